import EInvoiceTestSupport
import Foundation
import PeppolAS4
import Testing

@testable import PeppolDiscovery

/// The SMP documents efactuur publishes, checked by xmlsec1 (Debian's XML signature tool), and
/// our SMP client against metadata xmlsec1 signed.
@Suite struct ServiceMetadataTests {
    let pki: TestPKI

    init() async { pki = await TestPKI.shared }

    func identity(_ name: String) throws -> AccessPointIdentity {
        try AccessPointIdentity(certificatePEM: try pki.text(name + ".pem"), privateKeyPEM: try pki.text(name + ".key"))
    }

    func trust() throws -> AS4Trust {
        AS4Trust(
            roots: try AS4Certificate.pemCertificates(try pki.text("root.pem")),
            intermediates: try AS4Certificate.pemCertificates(try pki.text("ca.pem")))
    }

    func endpoint() throws -> ServiceEndpoint {
        ServiceEndpoint(
            participant: try #require(ParticipantID("0106:12345678")), documentType: PeppolIdentifiers.invoiceDocumentType,
            process: PeppolIdentifiers.billingProcess, address: "https://ap.example.nl/as4", certificate: try identity("ap2").certificate,
            activation: Date(timeIntervalSince1970: 1_767_225_600), expiration: Date(timeIntervalSince1970: 1_893_456_000),
            technicalContact: "mailto:support@example.nl")
    }

    func write(_ bytes: [UInt8]) throws -> String {
        let url = TestFolder.root.appendingPathComponent("smp-\(UUID().uuidString).xml")
        try Data(bytes).write(to: url)
        return url.path
    }

    @Test func xmlsec1VerifiesWhatWePublish() async throws {
        let signed = try ServiceMetadata.signedServiceMetadata(try endpoint(), signer: try identity("ap2"))
        let file = try write(signed)
        let checked = await Python.command(["xmlsec1", "--verify", "--pubkey-cert-pem", pki.path("ap2.pem"), file])
        #expect(checked.status == 0, "\(checked.error)")
        // Another key is not the signer's.
        let other = await Python.command(["xmlsec1", "--verify", "--pubkey-cert-pem", pki.path("ap1.pem"), file])
        #expect(other.status != 0)
        // And we read back what we published.
        let read = try await ServiceMetadata.endpoint(
            in: signed, participant: Self.participant, documentType: PeppolIdentifiers.invoiceDocumentType, process: PeppolIdentifiers.billingProcess,
            smpTrust: try trust())
        #expect(read == (try endpoint()))
    }

    /// Metadata signed by xmlsec1 from a template: accepted when the signer is trusted, refused
    /// when xmlsec1 signed with a key from another CA, and refused once changed after signing.
    @Test func ourClientChecksWhatXmlsec1Signed() async throws {
        let ours = String(decoding: try ServiceMetadata.signedServiceMetadata(try endpoint(), signer: try identity("ap2")), as: UTF8.self)
        // A template: our signature with its values emptied, for xmlsec1 to fill in.
        var template = ours
        for (open, close) in [
            ("<ds:DigestValue>", "</ds:DigestValue>"), ("<ds:SignatureValue>", "</ds:SignatureValue>"), ("<ds:X509Data>", "</ds:X509Data>"),
        ] {
            let start = try #require(template.range(of: open))
            let end = try #require(template.range(of: close))
            template.replaceSubrange(start.upperBound..<end.lowerBound, with: open == "<ds:X509Data>" ? "<ds:X509Certificate/>" : "")
        }
        func signedByXmlsec(_ key: String) async throws -> [UInt8] {
            let input = try write(Array(template.utf8))
            let output = input + ".signed"
            let result = await Python.command([
                "xmlsec1", "--sign", "--privkey-pem", pki.path(key + ".key") + "," + pki.path(key + ".pem"), "--output", output, input,
            ])
            try #require(result.status == 0, "\(result.error)")
            return Array(try Data(contentsOf: URL(fileURLWithPath: output)))
        }
        let trusted = try await signedByXmlsec("ap1")
        let read = try await ServiceMetadata.endpoint(
            in: trusted, participant: Self.participant, documentType: PeppolIdentifiers.invoiceDocumentType,
            process: PeppolIdentifiers.billingProcess, smpTrust: try trust())
        #expect(read.address == "https://ap.example.nl/as4")

        let untrusted = try await signedByXmlsec("ap-other")
        let refused = await #expect(throws: DiscoveryError.self) {
            try await ServiceMetadata.endpoint(
                in: untrusted, participant: Self.participant, documentType: PeppolIdentifiers.invoiceDocumentType,
                process: PeppolIdentifiers.billingProcess, smpTrust: try trust())
        }
        #expect(refused?.code == .smpSignature)

        let changed = Array(
            String(decoding: trusted, as: UTF8.self)
                .replacingOccurrences(of: "https://ap.example.nl/as4", with: "https://evil.example/as4").utf8)
        let tampered = await #expect(throws: DiscoveryError.self) {
            try await ServiceMetadata.endpoint(
                in: changed, participant: Self.participant, documentType: PeppolIdentifiers.invoiceDocumentType,
                process: PeppolIdentifiers.billingProcess, smpTrust: try trust())
        }
        #expect(tampered?.code == .smpSignature)
    }

    static let participant = ParticipantID("0106:12345678")!

    /// Metadata signed for one participant is no answer about another.
    @Test func metadataForAnotherParticipantIsRefused() async throws {
        let signed = try ServiceMetadata.signedServiceMetadata(try endpoint(), signer: try identity("ap2"))
        let error = await #expect(throws: DiscoveryError.self) {
            try await ServiceMetadata.endpoint(
                in: signed, participant: ParticipantID("0106:87654321")!, documentType: PeppolIdentifiers.invoiceDocumentType,
                process: PeppolIdentifiers.billingProcess, smpTrust: try trust())
        }
        #expect(error?.code == .smpSignature)
    }

    @Test func anUnknownProcessIsNotFound() async throws {
        let signed = try ServiceMetadata.signedServiceMetadata(try endpoint(), signer: try identity("ap2"))
        let error = await #expect(throws: DiscoveryError.self) {
            try await ServiceMetadata.endpoint(
                in: signed, participant: Self.participant, documentType: PeppolIdentifiers.invoiceDocumentType, process: "urn:other",
                smpTrust: try trust())
        }
        #expect(error?.code == .smpNotFound)
    }

    @Test func pathsArePercentEncoded() throws {
        let id = try #require(ParticipantID("0106:12345678"))
        #expect(ServiceMetadata.serviceGroupPath(id) == "/iso6523-actorid-upis%3A%3A0106%3A12345678")
        #expect(
            ServiceMetadata.serviceMetadataPath(id, documentType: "urn:x::Invoice##a#b::2.1")
                == "/iso6523-actorid-upis%3A%3A0106%3A12345678/services/busdox-docid-qns%3A%3Aurn%3Ax%3A%3AInvoice%23%23a%23b%3A%3A2.1")
    }
}
