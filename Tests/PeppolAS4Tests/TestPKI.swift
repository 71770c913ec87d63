import EInvoiceTestSupport
import Foundation
import PeppolAS4
import Testing

/// A Peppol-like PKI made by python-cryptography (`Tests/Interop/peppol/make_pki.py`): root →
/// access point CA → access points POP000001 and POP000002, an expired POP000001, and a
/// POP000001 from another CA. Made once per test process.
struct TestPKI: Sendable {
    let folder: URL

    static let shared: TestPKI = {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("efactuur-pki-\(UUID().uuidString)")
        let result = Python.run(["Tests/Interop/peppol/make_pki.py", folder.path, "--expired"])
        precondition(result.status == 0, "make_pki.py failed: \(result.error)")
        return TestPKI(folder: folder)
    }()

    func path(_ name: String) -> String { folder.appendingPathComponent(name).path }

    func text(_ name: String) throws -> String { try String(contentsOfFile: path(name), encoding: .utf8) }

    func identity(_ name: String) throws -> AccessPointIdentity {
        try AccessPointIdentity(certificatePEM: try text(name + ".pem"), privateKeyPEM: try text(name + ".key"))
    }

    func trust() throws -> AS4Trust {
        AS4Trust(roots: try AS4Certificate.pemCertificates(try text("root.pem")), intermediates: try AS4Certificate.pemCertificates(try text("ca.pem")))
    }
}

/// Runs the interoperability scripts with python3 from the package root.
enum Python {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    struct Result {
        var status: Int32
        var output: String
        var error: String
    }

    static func run(_ arguments: [String]) -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3"] + arguments
        process.currentDirectoryURL = packageRoot
        let output = Pipe()
        let error = Pipe()
        process.standardOutput = output
        process.standardError = error
        do { try process.run() } catch { return Result(status: -1, output: "", error: "\(error)") }
        let out = output.fileHandleForReading.readDataToEndOfFile()
        let err = error.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, output: String(decoding: out, as: UTF8.self), error: String(decoding: err, as: UTF8.self))
    }
}

/// A Peppol BIS 3 invoice from the shared corpus.
enum SampleInvoice {
    static func bytes() throws -> [UInt8] {
        Array(try Data(contentsOf: Corpus.folder.appendingPathComponent("peppol-bis3/base-example.xml")))
    }
}
