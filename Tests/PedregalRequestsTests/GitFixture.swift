import Foundation
import PedregalCompiler
import PedregalEmitter
import PedregalLoader
import PedregalRequests
import PedregalTestSupport

/// A real git repository for the service: a bare "remote" and a work tree
/// that pushed a compiled root to it, under a temporary folder with its own
/// HOME, so the machine's git configuration never leaks in.
final class GitFixture: @unchecked Sendable {
    let folder: String
    var remote: String { folder + "/remote.git" }
    var work: String { folder + "/work" }
    var home: String { folder + "/home" }

    static let platform =
        Fixtures.platform + """
            clusterRequests:
              environments:
                dev: { defaultTTL: 7d, maxTTL: 30d, autoApprove: true, members: true }
                staging: { defaultTTL: 7d, maxTTL: 30d }
                prod: { defaultTTL: 30d, maxTTL: 90d, persistent: true }

            """

    static let team = """
        # The alpha team.
        team: alpha
        owners:
          admins: [alpha-admins]
          members: [alpha]
        environments:
          dev: { regions: [us-west-2], size: small }
          staging: { regions: [us-west-2], size: small }
          prod: { regions: [us-west-2, eu-west-1], size: large }
        jobs:
          - name: nightly          # keeps its comment
            type: batch
            environments: [prod]
            mainApplicationFile: s3://alpha/nightly.py

        """

    /// Git's environment: an empty HOME, no system configuration.
    var environment: [String: String] {
        [
            "HOME": home, "GIT_CONFIG_NOSYSTEM": "1", "GIT_AUTHOR_NAME": "test", "GIT_AUTHOR_EMAIL": "test@example.com",
            "GIT_COMMITTER_NAME": "test", "GIT_COMMITTER_EMAIL": "test@example.com",
        ]
    }

    init(teams: [String: String] = ["teams/alpha.yaml": GitFixture.team]) throws {
        folder = NSTemporaryDirectory() + "pedregal-requests-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        var files = Fixtures.templates
        files["templates/platform.yaml"] = Self.platform
        files.merge(teams) { _, new in new }
        for (path, text) in files {
            let full = work + "/" + path
            try FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try text.write(toFile: full, atomically: true, encoding: .utf8)
        }
        let compilation = Compiler().compile(DiskSourceTree(root: URL(fileURLWithPath: work)))
        precondition(!compilation.hasErrors, "\(compilation.diagnostics)")
        let output = OutputDirectory(url: URL(fileURLWithPath: work + "/generated"))
        try output.apply(try output.plan(compilation.files))
        try git(["init", "-q", "--bare", remote], in: folder)
        try git(["init", "-q", "-b", "main"])
        try git(["add", "-A"])
        try git(["commit", "-q", "-m", "initial"])
        try git(["remote", "add", "origin", remote])
        try git(["push", "-q", "origin", "main"])
    }

    deinit { try? FileManager.default.removeItem(atPath: folder) }

    /// Runs git in the work tree (or `directory`); throws on failure.
    @discardableResult
    func git(_ arguments: [String], in directory: String? = nil) throws -> String {
        let output = try Git(directory: directory ?? work, environment: environment).runBlocking(arguments)
        guard output.status == 0 else { throw Git.Failure(arguments: arguments, status: output.status, message: output.stderr) }
        return output.text
    }

    /// A file as a ref of the remote holds it, or nil.
    func remoteFile(_ path: String, at ref: String = "main") -> String? {
        let output = try? Git(directory: remote, environment: environment).runBlocking(["show", "\(ref):\(path)"])
        guard let output, output.status == 0 else { return nil }
        return String(decoding: output.stdout, as: UTF8.self)
    }

    /// The remote's refs, by name.
    func remoteRefs() throws -> [String: String] {
        var refs: [String: String] = [:]
        for line in try git(["for-each-ref", "--format=%(refname) %(objectname)"], in: remote).split(separator: "\n") {
            let parts = line.split(separator: " ")
            refs[String(parts[0])] = String(parts[1])
        }
        return refs
    }

    /// Merges a review branch into main on the remote, as a reviewer would.
    func merge(_ branch: String) throws {
        try git(["fetch", "-q", "origin"])
        try git(["checkout", "-q", "main"])
        try git(["reset", "-q", "--hard", "origin/main"])
        try git(["merge", "-q", "--no-ff", "-m", "Merge \(branch)", "origin/\(branch)"])
        try git(["push", "-q", "origin", "main"])
    }

    /// Commits `files` (root-relative path → text) on the remote's main as a
    /// person would: edited, regenerated, committed, pushed.
    func commitToMain(_ files: [String: String], message: String) throws {
        try git(["fetch", "-q", "origin"])
        try git(["checkout", "-q", "main"])
        try git(["reset", "-q", "--hard", "origin/main"])
        for (path, text) in files { try text.write(toFile: work + "/" + path, atomically: true, encoding: .utf8) }
        let compilation = Compiler().compile(DiskSourceTree(root: URL(fileURLWithPath: work)))
        precondition(!compilation.hasErrors, "\(compilation.diagnostics)")
        let output = OutputDirectory(url: URL(fileURLWithPath: work + "/generated"))
        try output.apply(try output.plan(compilation.files))
        try git(["add", "-A"])
        try git(["commit", "-q", "-m", message])
        try git(["push", "-q", "origin", "main"])
    }

    /// Whether `ref` of the remote compiles and its generated/ is exactly
    /// what `generate` writes (what `pedregal check` says).
    func isCurrent(_ ref: String = "main") throws -> Bool {
        try git(["fetch", "-q", "origin"])
        try git(["checkout", "-q", "--detach", "origin/\(ref)"])
        try git(["clean", "-q", "-ffdx"])
        let compilation = Compiler().compile(DiskSourceTree(root: URL(fileURLWithPath: work)))
        let plan = try OutputDirectory(url: URL(fileURLWithPath: work + "/generated")).plan(compilation.files)
        try git(["checkout", "-q", "main"])
        return !compilation.hasErrors && plan.isEmpty
    }

    /// Installs a hook in the remote (`pre-receive`, `post-receive`, …).
    func installHook(_ name: String, _ script: String) throws {
        let path = remote + "/hooks/" + name
        try ("#!/bin/sh\n" + script).write(toFile: path, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
    }

    /// Compiles the remote's main: what Argo CD would sync.
    func compileRemoteMain() throws -> Compilation {
        try git(["fetch", "-q", "origin"])
        try git(["checkout", "-q", "main"])
        try git(["reset", "-q", "--hard", "origin/main"])
        return Compiler().compile(DiskSourceTree(root: URL(fileURLWithPath: work)))
    }
}
