import Foundation

/// Where the tests keep their files: one folder of this test process under the temporary
/// directory, removed once the process has ended, however it ends. A run leaves nothing behind.
public enum TestFolder {
    public static let root: URL = {
        let root = FileManager.default.temporaryDirectory
            .appendingPathComponent("efactuur-tests-\(ProcessInfo.processInfo.processIdentifier)")
        // A process id is reused in time: what an earlier process of the same id left is not ours.
        try? FileManager.default.removeItem(at: root)
        do {
            try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
            try Watchdog.whenThisProcessEnds(run: "rm -rf '\(root.path)'")
        } catch {
            fatalError("cannot make the tests' folder \(root.path): \(error)")
        }
        return root
    }()
}
