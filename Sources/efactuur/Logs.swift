import ArgumentParser
import Foundation
import Logging
import Synchronization

/// `--log-level` for the commands that log (the platform server above all), with
/// `EFACTUUR_LOG_LEVEL` as the default, and JSON lines when asked.
struct LogOptions: ParsableArguments {
    @Option(help: "trace, debug, info, notice, warning, error or critical (default: EFACTUUR_LOG_LEVEL, else info).")
    var logLevel: Logger.Level?

    /// Sets up the process' logging, once, before anything logs.
    func bootstrap(json: Bool) throws {
        try Self.bootstrap(level: logLevel, json: json)
    }

    /// For commands without these options: the level from `EFACTUUR_LOG_LEVEL`, else info.
    static func bootstrap(level: Logger.Level?, json: Bool) throws {
        let level = try level ?? environmentLevel() ?? .info
        LoggingSystem.bootstrap { label in
            var handler: any LogHandler = json ? JSONLogHandler(label: label) : StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
    }

    static func environmentLevel() throws -> Logger.Level? {
        guard let text = ProcessInfo.processInfo.environment["EFACTUUR_LOG_LEVEL"], !text.isEmpty else { return nil }
        guard let level = Logger.Level(rawValue: text.lowercased()) else {
            throw ValidationError("EFACTUUR_LOG_LEVEL '\(text)' is not one of trace, debug, info, notice, warning, error, critical")
        }
        return level
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}

/// One JSON object per line on standard error: time, level, label, message and the metadata
/// as strings, for log collectors.
struct JSONLogHandler: LogHandler {
    let label: String
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]
    private static let output = Mutex(())

    init(label: String) { self.label = label }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var fields: [String: String] = [:]
        for (key, value) in metadata.merging(event.metadata ?? [:], uniquingKeysWith: { $1 }) { fields[key] = "\(value)" }
        fields["time"] = Date().formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
        fields["level"] = event.level.rawValue
        fields["label"] = label
        fields["message"] = event.message.description
        if let error = event.error { fields["error"] = "\(error)" }
        guard var data = try? JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys, .withoutEscapingSlashes])
        else { return }
        data.append(0x0A)
        Self.output.withLock { _ in FileHandle.standardError.write(data) }
    }
}
