import Foundation

/// Cleans up after this test process once it is gone, however it ends (a crash included): a
/// small shell loop outlives it and runs the clean-up then.
public enum Watchdog {
    /// Runs `command` (a `/bin/sh` command) after this test process has ended.
    public static func whenThisProcessEnds(run command: String) throws {
        try start("while alive \(ProcessInfo.processInfo.processIdentifier); do sleep 1; done; \(command)")
    }

    /// Kills `process` (a server the tests started) if this test process ends before it does.
    /// `command`: the name it runs under (`/proc/<pid>/comm`) when that is not its executable's,
    /// as for a script started through `/usr/bin/env python3`.
    public static func stopWithThisProcess(_ process: Process, command: String? = nil) throws {
        let pid = process.processIdentifier
        let name = command ?? process.executableURL?.lastPathComponent ?? ""
        // The name check keeps a reused process id safe from the kill.
        try start(
            "while alive \(ProcessInfo.processInfo.processIdentifier) && alive \(pid); do sleep 1; done; "
                + "[ \"$(cat /proc/\(pid)/comm 2>/dev/null)\" = '\(name.prefix(15))' ] && kill -9 \(pid) 2>/dev/null; true")
    }

    private static func start(_ script: String) throws {
        let watchdog = Process()
        watchdog.executableURL = URL(fileURLWithPath: "/bin/sh")
        // A killed process stays a zombie until its parent reaps it: that counts as gone.
        let alive = "alive() { state=$(sed 's/.*) //' /proc/$1/stat 2>/dev/null | cut -c1); [ -n \"$state\" ] && [ \"$state\" != Z ]; }; "
        watchdog.arguments = ["-c", alive + script]
        watchdog.standardOutput = FileHandle.nullDevice
        watchdog.standardError = FileHandle.nullDevice
        try watchdog.run()
    }
}
