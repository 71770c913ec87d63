import EInvoiceTestSupport
import Foundation
import PeppolAS4
import Platform
import PlatformPeppol
import PlatformTestSupport
import Testing
import X509

/// Revocation by OCSP, against a responder whose answers python-cryptography builds and signs
/// (Tests/Interop/peppol/ocsp_responder.py): a test PKI whose access point certificates name it
/// (make_pki.py --ocsp-url), one of them revoked in the CA's index.
@Suite("Peppol: partners' certificates checked for revocation at their OCSP responder")
struct PeppolRevocationTests {
    /// The responder answering for the test CA from its index, on a port of its own.
    final class Responder: @unchecked Sendable {  // immutable after init; the process is only terminated
        let process = Process()
        /// Its standard input: closed, it ends (a shell shim between us and python would outlive
        /// a signal).
        let input = Pipe()

        init(pki: URL, port: Int) throws {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = [
                "python3", Python.packageRoot.appendingPathComponent("Tests/Interop/peppol/ocsp_responder.py").path, pki.path, "\(port)",
            ]
            process.standardInput = input
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
        }

        func stop() { try? input.fileHandleForWriting.close() }

        deinit { stop() }
    }

    struct Fixture {
        let folder: URL
        let port: Int

        init(port: Int = TestPorts.take()) async throws {
            self.port = port
            folder = TestFolder.root.appendingPathComponent("efactuur-ocsp-pki-\(UUID().uuidString)")
            let made = await Python.run(["Tests/Interop/peppol/make_pki.py", folder.path, "--ocsp-url", "http://127.0.0.1:\(port)"])
            try #require(made.status == 0, "\(made.error)")
        }

        func path(_ name: String) -> String { folder.appendingPathComponent(name).path }

        /// The receiving access point's settings (ap2), trusting the test CA, checking revocation.
        func settings(_ mode: PeppolSettings.RevocationChecking) throws -> PeppolSettings {
            var settings = try PeppolSettings.load(
                certificate: path("ap2.pem"), key: path("ap2.key"), trust: path("root.pem"), smpTrust: path("root.pem"),
                dnsServer: "127.0.0.1", smlZone: "sml.example", publicURL: "http://127.0.0.1:1", revocation: mode)
            settings.accessPointTrust.intermediates = try AS4Certificate.pemCertificates(try String(contentsOfFile: path("ca.pem"), encoding: .utf8))
            return settings
        }

        func certificate(_ name: String) throws -> Certificate {
            try #require(try AS4Certificate.pemCertificates(try String(contentsOfFile: path(name + ".pem"), encoding: .utf8)).first)
        }

        func identity(_ name: String) throws -> AccessPointIdentity {
            try AccessPointIdentity(
                certificatePEM: try String(contentsOfFile: path(name + ".pem"), encoding: .utf8),
                privateKeyPEM: try String(contentsOfFile: path(name + ".key"), encoding: .utf8))
        }
    }

    @Test func aRevokedCertificateIsRefusedAGoodOnePasses() async throws {
        let pki = try await Fixture()
        let responder = try Responder(pki: pki.folder, port: pki.port)
        defer { responder.stop() }
        try await TestPorts.waitUntilListening(pki.port, what: "ocsp_responder.py")
        for mode in [PeppolSettings.RevocationChecking.soft, .hard] {
            let trust = try pki.settings(mode).accessPointTrust
            try await trust.check(try pki.certificate("ap1"))
            let error = await #expect(throws: AS4Error.self) { try await trust.check(try pki.certificate("ap-revoked")) }
            #expect(error?.code == .failedAuthentication)
            #expect(error?.detail.contains("revoked") == true, "\(String(describing: error))")
        }
        // Unchecked, the revoked certificate chains to the CA like any other.
        try await pki.settings(.off).accessPointTrust.check(try pki.certificate("ap-revoked"))
        // What passed is remembered, but not by a copy given other roots.
        var other = try pki.settings(.off).accessPointTrust
        try await other.check(try pki.certificate("ap1"))
        other.roots = try AS4Certificate.pemCertificates(try String(contentsOfFile: pki.path("other-root.pem"), encoding: .utf8))
        let otherRoots = other
        await #expect(throws: AS4Error.self) { try await otherRoots.check(try pki.certificate("ap1")) }

        // A whole message from the revoked access point is refused by the receiver.
        let receiver = try pki.settings(.hard)
        let header = UserMessage(
            messageID: "revoked-1@test", fromParty: "", toParty: "", process: PeppolIdentifiers.billingProcess,
            documentType: PeppolDocumentType.received[2].documentType, originalSender: "0106:12345678",
            finalRecipient: "0190:00000001003214321000")
        let sbd = try BusinessDocumentHeader(
            sender: header.originalSender, receiver: header.finalRecipient, documentType: header.documentType, process: header.process,
            countryC1: "NL", standard: "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2", type: "Invoice"
        ).wrapping(Array(try LivePlatform.invoice("OCSP-1").payload.utf8))
        for (sender, accepted) in [("ap-revoked", false), ("ap1", true)] {
            let message = try AS4Outbound.userMessage(
                header, businessDocument: sbd, from: try pki.identity(sender), to: receiver.identity.certificate)
            let inbound = AS4Inbound(identity: receiver.identity, trust: receiver.accessPointTrust)
            if accepted {
                _ = try await inbound.open(body: message.body, contentType: message.contentType)
            } else {
                let refused = await #expect(throws: AS4Error.self) { try await inbound.open(body: message.body, contentType: message.contentType) }
                #expect(refused?.code == .failedAuthentication)
            }
        }
    }

    @Test func aResponderThatCannotBeReachedFailsOnlyInHardMode() async throws {
        let pki = try await Fixture()  // no responder started on its port
        try await pki.settings(.soft).accessPointTrust.check(try pki.certificate("ap1"))
        let error = await #expect(throws: AS4Error.self) { try await pki.settings(.hard).accessPointTrust.check(try pki.certificate("ap1")) }
        #expect(error?.code == .failedAuthentication)
    }
}
