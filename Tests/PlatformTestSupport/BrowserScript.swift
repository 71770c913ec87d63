import Foundation

/// A selenium script of `Tests/Interop` (Chromium, chromedriver and selenium are installed by
/// `.ci/run`), run step by step: each step prints one JSON object for the test to check.
public enum BrowserScript {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
        public init(description: String) { self.description = description }
    }

    /// Runs one step on a thread of its own: waiting for Chromium must not hold one of the few
    /// threads every other test's server runs on.
    public static func step(_ script: String, _ arguments: [String]) async throws -> [String: Any] {
        let result = await withCheckedContinuation { continuation in
            Thread.detachNewThread { continuation.resume(returning: Result { try JSONOutput(blockingStep(script, arguments)) }) }
        }
        return try result.get().object
    }

    /// JSON objects are not Sendable; the bytes are.
    struct JSONOutput: @unchecked Sendable {
        let object: [String: Any]
        init(_ object: [String: Any]) { self.object = object }
    }

    static func blockingStep(_ name: String, _ arguments: [String]) throws -> [String: Any] {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Interop/\(name)").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script] + arguments
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let failure = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw Failure(description: "\(name) \(arguments[0]): \(failure.suffix(3000))") }
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw Failure(description: "\(name) \(arguments[0]) printed no JSON object: \(String(decoding: data, as: UTF8.self).prefix(500))")
        }
        return object
    }

    /// `.build/NAME` beside the checkout, emptied: where a run keeps its screenshots.
    public static func screenshotFolder(_ name: String) throws -> URL {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent(".build/\(name)")
        try? FileManager.default.removeItem(at: folder)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }
}
