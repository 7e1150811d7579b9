import PedregalCompiler
import PedregalTestSupport
import Testing

/// `jobs[].sizing`: pre-submit sizing bounds, checked where they are written.
@Suite struct SizingRuleTests {
    static let header = "team: alpha\nowners: { admins: [a] }\nenvironments: { dev: { regions: [us-west-2], size: small } }\n"

    @Test func autoSizingPutsItsBoundsOnTheTemplate() throws {
        let compilation = Fixtures.compile([
            "teams/alpha.yaml": Self.header + """
                jobs:
                  - name: b
                    type: batch
                    mainApplicationFile: s3://x/y.jar
                    mainClass: x.Y
                    sizing: { mode: auto, runs: 3, executorInstances: { min: 1, max: 6 }, executorMemory: { max: 12g } }

                """
        ])
        #expect(!compilation.hasErrors, "\(compilation.diagnostics)")
        let template = try #require(compilation.files.first { $0.path.hasSuffix("configmap-job-b.yaml") })
        let text = String(decoding: template.contents, as: UTF8.self)
        #expect(text.contains("pedregal.io/sizing: auto"))
        #expect(
            text.contains(
                #"{\"driverMemoryMiB\":{\"max\":8192,\"min\":512},\"executorInstances\":{\"max\":6,\"min\":1},\"executorMemoryMiB\":{\"max\":12288,\"min\":512},\"runs\":3,\"shufflePartitions\":{\"max\":100000,\"min\":1}}"#
            ), "\(text)")
    }

    @Test func fixedSizingAndNoSizingWriteNothing() throws {
        let compilation = Fixtures.compile([
            "teams/alpha.yaml": Self.header + """
                jobs: [{ name: b, type: batch, mainApplicationFile: s3://x/y.py, sizing: { mode: fixed } }]

                """
        ])
        #expect(!compilation.hasErrors)
        let template = try #require(compilation.files.first { $0.path.hasSuffix("configmap-job-b.yaml") })
        #expect(!String(decoding: template.contents, as: UTF8.self).contains("pedregal.io/sizing"))
    }

    @Test func streamingJobsAreResizedByReviewNotPerRun() {
        let c = RuleCase(
            team: Self.header + """
                jobs:
                  - { name: s, type: streaming, mainApplicationFile: s3://x/y.py, sizing: { mode: 1️⃣auto } }

                """)
        #expect(c.errors.map(\.location) == [c.at("1️⃣")])
        #expect(c.errors.first?.message.contains("pedregal advise --write") == true)
    }

    @Test func boundsMustBeOrderedAndHoldTheWrittenValues() {
        let c = RuleCase(
            team: Self.header + """
                jobs:
                  - name: a
                    type: batch
                    mainApplicationFile: s3://x/y.py
                    sizing:
                      mode: auto
                      executorInstances: { min: 1️⃣8, max: 4 }
                  - name: b
                    type: batch
                    mainApplicationFile: s3://x/y.py
                    sizing:
                      mode: auto
                      executorInstances: 2️⃣{ min: 3, max: 5 }
                  - name: c
                    type: batch
                    mainApplicationFile: s3://x/y.py
                    sizing:
                      mode: auto
                      executorMemory: { min: 3️⃣256m }

                """)
        #expect(c.errors.map(\.location) == [c.at("1️⃣"), c.at("2️⃣"), c.at("3️⃣")])
        #expect(c.errors.map(\.code) == [.invalidValue, .invalidValue, .invalidValue])
        #expect(c.errors[1].message.contains("2 executors, outside its sizing.executorInstances 3…5"))
    }

    @Test func theLargestSizingMustFitTheQuota() {
        let c = RuleCase(
            team: Self.header + """
                jobs:
                  - name: a
                    type: batch
                    mainApplicationFile: s3://x/y.py
                    sizing: { mode: auto, executorInstances: { max: 1️⃣40 } }

                """)
        #expect(c.errors.map(\.code) == [.exceedsQuota])
        #expect(c.errors.map(\.location) == [c.at("1️⃣")])
    }

    @Test func unknownSizingKeysAreSpelledOut() {
        let c = RuleCase(
            team: Self.header + """
                jobs:
                  - { name: a, type: batch, mainApplicationFile: s3://x/y.py, sizing: { mode: auto, 1️⃣executorInstance: { max: 3 } } }

                """)
        #expect(c.errors.map(\.code) == [.unknownKey])
        #expect(c.errors.map(\.location) == [c.at("1️⃣")])
        #expect(c.errors.first?.message.contains("did you mean 'executorInstances'") == true)
    }
}
