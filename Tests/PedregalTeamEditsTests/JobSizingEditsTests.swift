import Foundation
import Testing

@testable import PedregalTeamEdits

/// `advise --write`: a job's sizing changed with every other byte of the file as it was.
@Suite struct JobSizingEditsTests {
    func set(_ job: String, _ section: String, _ key: String, _ value: EditValue, in text: String) throws -> String {
        let file = try TeamFile(path: "teams/t.yaml", bytes: Array(text.utf8))
        return String(decoding: try file.settingJobField(job, section: section, key: key, to: value), as: UTF8.self)
    }

    static let team = """
        team: ml-platform   # the team
        jobs:
          # Nightly.
          - name: nightly
            type: batch
            executor: { instances: 10, cores: 4, memory: 16g }   # guessed
            sparkConf:
              spark.sql.shuffle.partitions: "400"   # from the wiki
          - name: backfill
            type: batch
            driver:
              cores: 2
              memory: 4g
        # trailing comment
        """

    @Test func replacesAValueInAFlowMappingKeepingTheComment() throws {
        let edited = try set("nightly", "executor", "instances", .integer(3), in: Self.team)
        #expect(edited == Self.team.replacingOccurrences(of: "instances: 10,", with: "instances: 3,"))
    }

    @Test func replacesASparkConfValueQuoted() throws {
        let edited = try set("nightly", "sparkConf", "spark.sql.shuffle.partitions", .text("64"), in: Self.team)
        #expect(edited == Self.team.replacingOccurrences(of: "\"400\"", with: "\"64\""))
    }

    @Test func addsAKeyToABlockSection() throws {
        let edited = try set("backfill", "driver", "cores", .integer(1), in: Self.team)
        #expect(edited == Self.team.replacingOccurrences(of: "cores: 2", with: "cores: 1"))
        let added = try set("nightly", "sparkConf", "spark.dynamicAllocation.maxExecutors", .text("8"), in: Self.team)
        #expect(
            added
                == Self.team.replacingOccurrences(
                    of: "from the wiki\n", with: "from the wiki\n      spark.dynamicAllocation.maxExecutors: \"8\"\n"))
    }

    @Test func addsAKeyToAFlowSection() throws {
        let edited = try set("backfill", "executor", "memory", .sparkMemory("2g"), in: Self.team)
        #expect(edited == Self.team.replacingOccurrences(of: "      memory: 4g\n", with: "      memory: 4g\n    executor: {memory: 2g}\n"))
        let flow = try set("nightly", "driver", "memory", .sparkMemory("1g"), in: Self.team)
        #expect(flow.contains("\"400\"   # from the wiki\n    driver: {memory: 1g}\n  - name: backfill"))
        let more = try set("nightly", "executor", "memoryOverhead", .sparkMemory("1g"), in: Self.team)
        #expect(more.contains("memory: 16g, memoryOverhead: 1g }   # guessed"))
    }

    func remove(_ job: String, _ section: String, _ key: String, in text: String) throws -> String {
        let file = try TeamFile(path: "teams/t.yaml", bytes: Array(text.utf8))
        return String(decoding: try file.removingJobField(job, section: section, key: key), as: UTF8.self)
    }

    static let overheads = """
        team: ml-platform
        jobs:
          - name: nightly
            type: batch
            executor: { instances: 10, memoryOverhead: 4g, memory: 16g }   # guessed
            driver: { memoryOverhead: 2g, cores: 1 }
          - name: backfill
            type: batch
            executor:
              cores: 4
              memoryOverhead: 6g   # after the OOM kill of March
              memory: 8g
            driver: { memoryOverhead: 1g }
            # Streaming below.
          - name: stream
            type: streaming
            executor:
              memoryOverhead: 1g
            driver:
              memory: 2g
              memoryOverhead: 1g

        # trailing comment
        """

    @Test func removesAFlowEntryWithItsComma() throws {
        let middle = try remove("nightly", "executor", "memoryOverhead", in: Self.overheads)
        #expect(
            middle == Self.overheads.replacingOccurrences(of: "instances: 10, memoryOverhead: 4g, memory", with: "instances: 10, memory"))
        let first = try remove("nightly", "driver", "memoryOverhead", in: Self.overheads)
        #expect(first == Self.overheads.replacingOccurrences(of: "{ memoryOverhead: 2g, cores: 1 }", with: "{ cores: 1 }"))
    }

    @Test func removesABlockEntryWithItsLine() throws {
        let edited = try remove("backfill", "executor", "memoryOverhead", in: Self.overheads)
        #expect(edited == Self.overheads.replacingOccurrences(of: "      memoryOverhead: 6g   # after the OOM kill of March\n", with: ""))
        let last = try remove("stream", "driver", "memoryOverhead", in: Self.overheads)
        #expect(last == Self.overheads.replacingOccurrences(of: "      memory: 2g\n      memoryOverhead: 1g\n", with: "      memory: 2g\n"))
    }

    @Test func aSectionLeftEmptyGoesWithComments() throws {
        // The flow section's line goes; the comment above the next job stays with it.
        let flow = try remove("backfill", "driver", "memoryOverhead", in: Self.overheads)
        #expect(flow == Self.overheads.replacingOccurrences(of: "    driver: { memoryOverhead: 1g }\n", with: ""))
        let block = try remove("stream", "executor", "memoryOverhead", in: Self.overheads)
        #expect(block == Self.overheads.replacingOccurrences(of: "    executor:\n      memoryOverhead: 1g\n", with: ""))
    }

    @Test func removingWhatIsNotWrittenChangesNothing() throws {
        #expect(try remove("nightly", "executor", "cores", in: Self.overheads) == Self.overheads)
        #expect(try remove("nightly", "sparkConf", "spark.x", in: Self.overheads) == Self.overheads)
        #expect(throws: TeamFile.EditError.self) { try remove("nope", "executor", "memoryOverhead", in: Self.overheads) }
    }

    @Test func anUnknownJobIsAnError() {
        #expect(throws: TeamFile.EditError.self) { try set("nope", "executor", "instances", .integer(1), in: Self.team) }
    }
}
