import Configuration
import Foundation
import SystemPackage

/// `serve`'s options from the environment and from a JSON file, for those not given on the
/// command line (which wins, then the environment, then the file): `--postgres` need not be on a
/// command line that every user of the machine can read.
///
/// - environment: `EFACTUUR_` and the option's name in capitals, `-` as `_`
///   (`EFACTUUR_POSTGRES`, `EFACTUUR_DATA_DIR`, `EFACTUUR_JSON=true`);
/// - file: `--config FILE` or `EFACTUUR_CONFIG`, a JSON object keyed by the option names
///   (`{"port": 8443, "postgres": "postgres://…", "json": true}`).
enum ServeConfiguration {
    /// Every option of `serve` that takes a value, by its long name (a test checks this against
    /// `serve --help`).
    static let valueOptions = [
        "data-dir", "postgres", "host", "port", "token-lifetime", "smtp-host", "smtp-port", "mail-from", "idle-timeout",
        "min-upload-rate", "max-connections", "max-request-bytes", "body-budget", "log-level", "peppol-certificate",
        "peppol-key", "peppol-trust", "peppol-smp-trust", "peppol-dns", "peppol-sml-zone", "peppol-revocation", "public-url",
        "trusted-proxy",
    ]
    static let flags = ["json"]

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// `arguments` (from `serve` on) with what the environment and the file add.
    static func arguments(_ arguments: [String], environment: [String: String]) async throws -> [String] {
        var providers: [any ConfigProvider] = [
            KeyMappingProvider(
                upstream: EnvironmentVariablesProvider(
                    environmentVariables: environment, secretsSpecifier: .specific(["EFACTUUR_POSTGRES"]))
            ) { key in key.prepending(["efactuur"]) }
        ]
        if let file = value(of: "config", in: arguments) ?? environment["EFACTUUR_CONFIG"] {
            guard FileManager.default.isReadableFile(atPath: file) else {
                throw Failure(description: "cannot read the configuration file '\(file)' [serve.config]")
            }
            do {
                providers.append(try await FileProvider<JSONSnapshot>(filePath: FilePath(file)))
            } catch {
                throw Failure(description: "the configuration file '\(file)' is not a JSON object of serve's options: \(error) [serve.config]")
            }
        }
        let config = ConfigReader(providers: providers)
        var result = arguments
        for name in valueOptions where !given(name, in: arguments) {
            if let value = text(config, name) { result += ["--\(name)", value] }
        }
        for name in flags where !given(name, in: arguments) {
            if config.bool(forKey: ConfigKey(name)) == true || text(config, name) == "true" { result.append("--\(name)") }
        }
        return result
    }

    /// A value as the command line would spell it, whatever JSON type the file gave it.
    private static func text(_ config: ConfigReader, _ name: String) -> String? {
        let key = ConfigKey(name)
        if let value = config.string(forKey: key) { return value }
        if let value = config.int(forKey: key) { return String(value) }
        if let value = config.double(forKey: key) { return String(value) }
        if let value = config.bool(forKey: key) { return String(value) }
        return nil
    }

    private static func given(_ name: String, in arguments: [String]) -> Bool {
        arguments.contains { $0 == "--\(name)" || $0.hasPrefix("--\(name)=") }
    }

    private static func value(of name: String, in arguments: [String]) -> String? {
        for (index, argument) in arguments.enumerated() {
            if argument == "--\(name)", index + 1 < arguments.count { return arguments[index + 1] }
            if argument.hasPrefix("--\(name)=") { return String(argument.dropFirst(name.count + 3)) }
        }
        return nil
    }
}
