import Foundation

/// A Peppol-like PKI made by python-cryptography (`Tests/Interop/peppol/make_pki.py`): root →
/// access point CA → access points POP000001 and POP000002, an expired POP000001, and a
/// POP000001 from another CA. Made once per test process.
public struct TestPKI: Sendable {
    public let folder: URL

    private static let creation = Task {
        let folder = TestFolder.root.appendingPathComponent("efactuur-pki-\(UUID().uuidString)")
        let result = await Python.run(["Tests/Interop/peppol/make_pki.py", folder.path, "--expired"])
        precondition(result.status == 0, "make_pki.py failed: \(result.error)")
        return TestPKI(folder: folder)
    }

    public static var shared: TestPKI { get async { await creation.value } }

    public func path(_ name: String) -> String { folder.appendingPathComponent(name).path }

    public func text(_ name: String) throws -> String { try String(contentsOfFile: path(name), encoding: .utf8) }
}

/// Runs the interoperability scripts (`Tests/Interop`) with python3 from the package root.
public enum Python {
    public static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    public struct Result: Sendable {
        public var status: Int32
        public var output: String
        public var error: String
    }

    public static func run(_ arguments: [String]) async -> Result { await command(["python3"] + arguments) }

    /// Runs any program found on PATH, from the package root. The waiting happens on a thread of
    /// its own: the test runner's few threads keep running the other tests.
    public static func command(_ arguments: [String]) async -> Result {
        await offThePool { blockingCommand(arguments) }
    }

    private static func blockingCommand(_ arguments: [String]) -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        process.currentDirectoryURL = packageRoot
        let output = Pipe()
        // Standard error goes to a file, so neither stream can fill up and block the process
        // while the other is read.
        let errorFile = TestFolder.root.appendingPathComponent("stderr-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: errorFile.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: errorFile) }
        guard let error = try? FileHandle(forWritingTo: errorFile) else { return Result(status: -1, output: "", error: "no temp file") }
        process.standardOutput = output
        process.standardError = error
        do { try process.run() } catch { return Result(status: -1, output: "", error: "\(error)") }
        let out = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try? error.close()
        let errorText = (try? String(contentsOf: errorFile, encoding: .utf8)) ?? ""
        return Result(status: process.terminationStatus, output: String(decoding: out, as: UTF8.self), error: errorText)
    }
}

/// Runs blocking work (waiting for a process, reading a pipe) on a Dispatch thread, so it does
/// not hold one of the few threads Swift concurrency runs every test on.
public func offThePool<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { continuation in
        DispatchQueue.global().async { continuation.resume(returning: work()) }
    }
}
