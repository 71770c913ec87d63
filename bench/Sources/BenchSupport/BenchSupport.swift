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

/// Peak memory of one piece of work in a fresh process, so nothing else the benchmark did counts.
///
/// The benchmark calls ``measurePeakMemoryIfChild(_:)`` first thing; the parent then calls
/// ``peakMemoryInChild(of:name:)``, which runs the same binary with `--memory-of FILE`.
public func measurePeakMemoryIfChild(_ work: ([UInt8]) throws -> Void) rethrows {
    guard let file = option("--memory-of") else { return }
    let bytes = [UInt8](FileManager.default.contents(atPath: file)!)
    let before = peakResidentBytes()
    try work(bytes)
    print("\(before) \(peakResidentBytes())")
    exit(0)
}

/// The child's peak resident bytes before and after its work on `bytes`; nil when it failed.
public func peakMemoryInChild(of bytes: [UInt8], name: String) throws -> (before: Int, after: Int)? {
    let file = FileManager.default.temporaryDirectory.appendingPathComponent(name)
    _ = FileManager.default.createFile(atPath: file.path, contents: Data(bytes))
    let child = Process()
    child.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
    child.arguments = ["--memory-of", file.path]
    let pipe = Pipe()
    child.standardOutput = pipe
    try child.run()
    let output = pipe.fileHandleForReading.readDataToEndOfFile()
    child.waitUntilExit()
    let fields = String(decoding: output, as: UTF8.self).split(whereSeparator: \.isWhitespace).compactMap { Int($0) }
    return fields.count == 2 ? (fields[0], fields[1]) : nil
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
