import Foundation

/// A real DNS server on loopback, UDP and TCP on one port: `Tests/Interop/peppol/dns_server.py`
/// on the PyPI `dnslib` package, which computes the participants' SML names itself.
public final class DNSServerProcess: @unchecked Sendable {  // immutable after init; Process is only terminated in deinit
    public let port: Int
    /// The names the script computed, by participant: `["naptr": …, "legacy": …]`.
    public let names: [String: [String: String]]
    private let process = Process()
    private let config: URL

    private init(config json: [String: Any]) throws {
        config = TestFolder.root.appendingPathComponent("efactuur-dns-\(UUID().uuidString).json")
        try JSONSerialization.data(withJSONObject: json).write(to: config)
        let script = Python.packageRoot.appendingPathComponent("Tests/Interop/peppol/dns_server.py")
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script.path, config.path]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        try Watchdog.stopWithThisProcess(process, command: "python3")
        // The first line says the port, once both sockets listen; EOF means the script failed.
        var line = Data()
        while let byte = try output.fileHandleForReading.read(upToCount: 1), let first = byte.first, first != UInt8(ascii: "\n") {
            line.append(first)
        }
        struct Ready: Decodable {
            var port: Int
            var names: [String: [String: String]]
        }
        guard let ready = try? JSONDecoder().decode(Ready.self, from: line) else {
            throw CocoaError(.fileReadUnknown, userInfo: [NSLocalizedDescriptionKey: "dns_server.py did not start (pip install dnslib)"])
        }
        port = ready.port
        names = ready.names
    }

    /// Starts the server on a thread of its own: waiting for its first line must not hold one of
    /// the few threads every test runs on.
    public static func start(config json: [String: Any]) async throws -> DNSServerProcess {
        let data = try JSONSerialization.data(withJSONObject: json)
        let result = await offThePool { () -> Result<DNSServerProcess, any Error> in
            Result { try DNSServerProcess(config: try JSONSerialization.jsonObject(with: data) as! [String: Any]) }
        }
        return try result.get()
    }

    deinit {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: config)
    }
}
