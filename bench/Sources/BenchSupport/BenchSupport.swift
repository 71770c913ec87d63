// What every benchmark in this package needs: options, timing, memory, formatting.
import Foundation

/// The value after `--name` on the command line.
public func option(_ name: String) -> String? {
    let arguments = CommandLine.arguments
    return arguments.firstIndex(of: name).flatMap { arguments.indices.contains($0 + 1) ? arguments[$0 + 1] : nil }
}

public func format(_ value: Double, _ digits: Int = 1) -> String { String(format: "%.\(digits)f", value) }

/// The process's peak resident memory (VmHWM; unlike getrusage it does not inherit the parent's).
public func peakResidentBytes() -> Int { statusKiB("self", "VmHWM:") * 1024 }

/// Another process's current resident memory (VmRSS), in KiB.
public func residentKiB(_ pid: Int32) -> Int { statusKiB(String(pid), "VmRSS:") }

private func statusKiB(_ process: String, _ field: String) -> Int {
    let status = (try? String(contentsOfFile: "/proc/\(process)/status", encoding: .utf8)) ?? ""
    let line = status.split(separator: "\n").first { $0.hasPrefix(field) } ?? ""
    return Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
}

/// Runs `body` over and over for about `seconds` after one warm-up run; returns seconds per run.
public func measure(seconds: Double, _ body: () -> Void) -> Double {
    body()
    let clock = ContinuousClock()
    var runs = 0
    let start = clock.now
    var elapsed = Duration.zero
    repeat {
        body()
        runs += 1
        elapsed = clock.now - start
    } while elapsed < .seconds(seconds)
    return elapsed.seconds / Double(runs)
}

/// The value at fraction `p` of an ascending list.
public func percentile(_ sorted: [Double], _ p: Double) -> Double {
    sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]
}

extension Duration {
    public var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
    public var milliseconds: Double { seconds * 1000 }
}
