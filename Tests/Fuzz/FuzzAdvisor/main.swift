import FuzzSupport
import PedregalAdvisorScenarios

// The advisor's arithmetic: the input's bytes are the choices that make a job's sizing (as the compiler
// resolves it, or as a log's own Spark properties give it) and its runs' event logs (executors, jobs,
// stages, tasks, metrics, now and then at Int's bounds); the logs go through the event decoder and the
// run summary to the advisor, and every promise of AdvisorScenario.violations is checked (no trap, counts
// and memory within bounds and quota, never below the observed peak plus headroom, finite times, valid
// and deterministic JSON). Past the input's end every choice is its first option.
fuzzMain { input in
    var choices = Choices(bytes: Array(input))
    // Small stages keep executions fast; the property test has the stages of thousands of tasks.
    let scenario = AdvisorScenario.make(&choices, largest: 64)
    // Determinism (the logs read again, the same advice) on every fourth input length: it doubles the time.
    let problems = scenario.violations(twice: input.count % 4 == 0)
    fuzzCheck(problems.isEmpty, problems.joined(separator: "; "))
}
