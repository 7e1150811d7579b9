import Foundation

/// Where Spark (`spark-submit`) and Java were found.
public struct SparkInstallation: Sendable, Equatable {
    /// SPARK_HOME: the folder holding bin/spark-submit and jars/.
    public var sparkHome: String
    /// JAVA_HOME, when known; nil when `java` comes from PATH.
    public var javaHome: String?
    /// Where the Spark home was found: "SPARK_HOME", "pyspark" or "PATH".
    public var sparkOrigin: String

    public var sparkSubmit: String { sparkHome + "/bin/spark-submit" }
}

/// What is missing, with how to install it.
public enum SparkInstallationError: Error, Equatable, CustomStringConvertible {
    case sparkMissing
    case javaMissing

    public var description: String {
        switch self {
        case .sparkMissing:
            return """
                Spark was not found: no SPARK_HOME, no pyspark package for `python3`, no spark-submit on PATH.
                Install Spark 4 from PyPI in a virtual environment and run pedregal from it:
                  python3 -m venv .venv && . .venv/bin/activate && pip install 'pyspark[connect]==4.0.*'
                """
        case .javaMissing:
            return """
                Java was not found: no JAVA_HOME/bin/java and no java on PATH. Spark 4 needs a JDK 17 or 21:
                  sudo apt install openjdk-17-jre-headless      (Debian/Ubuntu; macOS: brew install openjdk@17)
                """
        }
    }
}

extension SparkInstallation {
    /// Finds Spark and Java: Spark from `SPARK_HOME`, else the pyspark package
    /// that `pysparkFolder` reports (`python3 -c 'import pyspark'`), else
    /// `spark-submit` on PATH; Java from `JAVA_HOME`, else PATH.
    public static func locate(
        environment: [String: String], isExecutable: (String) -> Bool, pysparkFolder: () -> String?
    ) throws(SparkInstallationError) -> SparkInstallation {
        var spark: (home: String, origin: String)?
        if let home = environment["SPARK_HOME"], !home.isEmpty, isExecutable(home + "/bin/spark-submit") {
            spark = (home, "SPARK_HOME")
        } else if let folder = pysparkFolder(), isExecutable(folder + "/bin/spark-submit") {
            spark = (folder, "pyspark")
        } else if let found = onPath("spark-submit", environment: environment, isExecutable: isExecutable) {
            // PATH/bin/spark-submit: the home is the folder above bin/.
            spark = (String(found.dropLast("/bin/spark-submit".count)), "PATH")
        }
        guard let spark else { throw .sparkMissing }
        var javaHome: String?
        if let home = environment["JAVA_HOME"], !home.isEmpty, isExecutable(home + "/bin/java") {
            javaHome = home
        } else if onPath("java", environment: environment, isExecutable: isExecutable) == nil {
            throw .javaMissing
        }
        return SparkInstallation(sparkHome: spark.home, javaHome: javaHome, sparkOrigin: spark.origin)
    }

    /// The first `PATH` entry holding an executable `name`.
    static func onPath(_ name: String, environment: [String: String], isExecutable: (String) -> Bool) -> String? {
        let folders = (environment["PATH"] ?? "").split(separator: ":").map(String.init)
        return folders.map { "\($0)/\(name)" }.first(where: isExecutable)
    }

    /// Finds Spark and Java for this process.
    public static func locate() throws(SparkInstallationError) -> SparkInstallation {
        try locate(
            environment: ProcessInfo.processInfo.environment,
            isExecutable: { FileManager.default.isExecutableFile(atPath: $0) },
            pysparkFolder: pysparkFolderOfPython)
    }

    /// Asks `python3` (from PATH, so an active venv's) where pyspark is installed.
    static func pysparkFolderOfPython() -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", "import pyspark, os; print(os.path.dirname(pyspark.__file__))"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return nil }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        let folder = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return folder.isEmpty ? nil : folder
    }
}
