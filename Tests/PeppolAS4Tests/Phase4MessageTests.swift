import EInvoiceTestSupport
import Foundation
import HardenedXML
import Testing

@testable import PeppolAS4

/// A real message sent by phase4, the Java reference implementation of Peppol AS4: our receiver's
/// signature check must accept it, and must refuse it once any signed byte is changed.
@Suite struct Phase4MessageTests {
    static let reference = Corpus.sharedFolder.appendingPathComponent("reference/peppol-as4")

    static func dump() throws -> [UInt8] {
        Array(try Data(contentsOf: reference.appendingPathComponent("phase4-dump-raw.as4out")))
    }

    static func verify(_ dump: [UInt8]) throws -> VerifiedSignature {
        let message = try MIMEMessage.parse(dumpBody: dump)
        let document = try SignedDocument(parsing: message.envelope, limits: .init())
        return try SignatureVerification.verify(document, attachmentIDs: message.attachments.map(\.contentID))
    }

    /// The dump with the first occurrence of `old` replaced by `new`.
    static func changed(_ old: String, _ new: String) throws -> [UInt8] {
        let bytes = try dump()
        let range = try #require(ByteSearch.firstRange(of: Array(old.utf8), in: bytes, from: 0))
        return Array(bytes[..<range.lowerBound]) + Array(new.utf8) + Array(bytes[range.upperBound...])
    }

    /// The exclusive C14N of a subtree copied into a document of its own (what signing and
    /// verifying use) must be byte for byte libxml2's C14N of the same subtree in place: for every
    /// element of phase4's envelope and of one written to be awkward (inherited default and
    /// prefixed namespaces, a prefix bound again inside, `xmlns=""`, attributes in inherited
    /// namespaces, `xml:` attributes above), with and without inclusive prefixes.
    @Test func subtreeCanonicalFormIsTheInPlaceOne() throws {
        let awkward = """
            <a:root xmlns:a="urn:a" xmlns="urn:default" xmlns:b="urn:b" xmlns:unused="urn:unused" xml:lang="nl" b:at="1">
              <inner xmlns:c="urn:c" c:x="&amp;&lt;&#xD;" z="2" a:y="3"><b:leaf>text &amp; &lt;more&gt;&#xD;</b:leaf>
                <b:again xmlns:b="urn:b2"><b:deep b:z="4"/></b:again><plain xmlns=""><x:y xmlns:x="urn:x"/></plain>
                <?pi data?><!-- comment --><a:tail xml:space="preserve">  </a:tail></inner>
              <a:empty/></a:root>
            """
        let message = try MIMEMessage.parse(dumpBody: try Self.dump())
        for bytes in [message.envelope, Array(awkward.utf8)] {
            let document = try SignedDocument(parsing: bytes, limits: .init())
            var elements = [document.root]
            var index = 0
            while index < elements.count {
                elements += document.children(of: elements[index])
                index += 1
            }
            #expect(elements.count > 8)
            for element in elements {
                for prefixes in [[], ["S12"], ["#default", "b"], ["a", "unused", "env", "eb"]] {
                    let copied = try document.exclusiveCanonicalForm(of: element, inclusivePrefixes: prefixes)
                    let inPlace = try document.canonicalForm(of: element, excluding: nil, exclusive: true, inclusivePrefixes: prefixes)
                    #expect(copied == inPlace, "\(CanonicalDocument.name(of: element)) with \(prefixes)")
                }
            }
        }
    }

    @Test func phase4SignatureVerifies() throws {
        let verified = try Self.verify(try Self.dump())
        #expect(verified.references.count == 3)
        #expect(try AS4Certificate.commonName(of: verified.signer) == "POP000306")
        #expect(verified.attachmentDigests["phase4-att-ff0f8ad5-f982-48ba-b8e2-26997600f496@cid"]?.count == 32)
    }

    /// The dump carries two certificates of POP000306: the receiver's (from the G2 access point
    /// CA, which the reference folder has) that the key is encrypted to, and the signer's, from
    /// the G3 CA, which it does not have. With the G2 CA configured the first is trusted and the
    /// signer is refused as coming from an unknown CA.
    @Test func certificatesChainOnlyToTheConfiguredCA() async throws {
        let message = try MIMEMessage.parse(dumpBody: try Self.dump())
        let document = try SignedDocument(parsing: message.envelope, limits: .init())
        let receiverToken = try #require(
            document.tree.child("Header", in: AS4Namespace.soap12)?.child("Security", in: AS4Namespace.wsse)?
                .children("BinarySecurityToken", in: AS4Namespace.wsse).first)
        let receiver = try SignatureVerification.certificate(fromBase64: receiverToken.text)
        func pem(_ name: String) throws -> String {
            try String(contentsOf: Self.reference.appendingPathComponent(name), encoding: .utf8)
        }
        let trust = AS4Trust(
            roots: try AS4Certificate.pemCertificates(pem("peppol-root-test-ca-g2.pem")),
            intermediates: try AS4Certificate.pemCertificates(pem("peppol-ap-test-ca-g2.pem")))
        try await trust.check(receiver)
        let signer = try Self.verify(try Self.dump()).signer
        #expect(signer != receiver)
        await #expect(throws: AS4Error.self) { try await trust.check(signer) }
        // The SMP CA is not the access point CA: a chain through it alone is refused.
        let smpOnly = AS4Trust(roots: try AS4Certificate.pemCertificates(pem("peppol-smp-test-ca-g2.pem")), intermediates: [])
        await #expect(throws: AS4Error.self) { try await smpOnly.check(receiver) }
    }

    /// One changed byte in each signed part, or in the signature, is refused.
    @Test(arguments: [
        ("<eb:MessageId>17a7c374", "<eb:MessageId>17a7c375", "Messaging"),
        ("9915:helger<", "9915:helgar<", "Messaging"),
        ("2f569857df0a\"/>", "2f569857df0a\">x</S12:Body>", "Body"),
        ("<ds:SignatureValue>p8GRyIhE", "<ds:SignatureValue>p8GRyIhF", "signature value"),
        ("<ds:DigestValue>r6Fo", "<ds:DigestValue>r6Fp", "signature value"),
    ])
    func aChangedByteIsRefused(change: (String, String, String)) throws {
        let error = try #require(throws: AS4Error.self) { try Self.verify(try Self.changed(change.0, change.1)) }
        #expect(error.code == .failedAuthentication, "\(change.2): \(error)")
    }

    /// Signature wrapping: a copy of the signed eb:Messaging moved elsewhere, with the header's
    /// Messaging changed, must not pass — neither by a second element with the signed id nor by
    /// the signed element standing somewhere the receiver does not read.
    @Test func wrappingIsRefused() throws {
        let bytes = try Self.dump()
        let text = String(decoding: bytes, as: UTF8.self)
        let start = try #require(text.range(of: "<eb:Messaging "))
        let end = try #require(text.range(of: "</eb:Messaging>"))
        let original = String(text[start.lowerBound..<end.upperBound])
        let forged = original.replacingOccurrences(of: "9915:helger", with: "9915:mallory")
        // The original moves into the Body; the header carries the forged one with the same id.
        var wrapped = text.replacingOccurrences(of: original, with: forged)
        wrapped = wrapped.replacingOccurrences(
            of: "2f569857df0a\"/>", with: "2f569857df0a\"><w>\(original)</w></S12:Body>")
        let error1 = try #require(throws: AS4Error.self) { try Self.verify(Array(wrapped.utf8)) }
        #expect(error1.code == .failedAuthentication)
        // Same, with the forged header Messaging given another id: the signed id now names an
        // element outside the header.
        let renamed = wrapped.replacingOccurrences(
            of:
                "wsu:Id=\"phase4-msg-7dd929c7-ded5-4413-be57-d21af2c87b69\"><eb:UserMessage><eb:MessageInfo><eb:Timestamp>2026-01-29T15:39:03.805Z</eb:Timestamp><eb:MessageId>17a7c374-efe3-41e2-ac0d-8a8f47529e47@phase4</eb:MessageId></eb:MessageInfo><eb:PartyInfo><eb:From><eb:PartyId type=\"urn:fdc:peppol.eu:2017:identifiers:ap\">POP000306</eb:PartyId><eb:Role>http://docs.oasis-open.org/ebxml-msg/ebms/v3.0/ns/core/200704/initiator</eb:Role></eb:From><eb:To><eb:PartyId type=\"urn:fdc:peppol.eu:2017:identifiers:ap\">POP000306</eb:PartyId><eb:Role>http://docs.oasis-open.org/ebxml-msg/ebms/v3.0/ns/core/200704/responder</eb:Role></eb:To></eb:PartyInfo><eb:CollaborationInfo><eb:AgreementRef>urn:fdc:peppol.eu:2017:agreements:tia:ap_provider</eb:AgreementRef><eb:Service type=\"cenbii-procid-ubl\">urn:fdc:peppol.eu:2017:poacc:billing:01:1.0</eb:Service><eb:Action>busdox-docid-qns::urn:oasis:names:specification:ubl:schema:xsd:Invoice-2::Invoice##urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0::2.1</eb:Action><eb:ConversationId>phase4@Conv-4045816466640743733</eb:ConversationId></eb:CollaborationInfo><eb:MessageProperties><eb:Property name=\"originalSender\" type=\"iso6523-actorid-upis\">9915:phase4-test-sender</eb:Property><eb:Property name=\"finalRecipient\" type=\"iso6523-actorid-upis\">9915:mallory",
            with:
                "wsu:Id=\"forged\"><eb:UserMessage><eb:MessageInfo><eb:Timestamp>2026-01-29T15:39:03.805Z</eb:Timestamp><eb:MessageId>17a7c374-efe3-41e2-ac0d-8a8f47529e47@phase4</eb:MessageId></eb:MessageInfo><eb:PartyInfo><eb:From><eb:PartyId type=\"urn:fdc:peppol.eu:2017:identifiers:ap\">POP000306</eb:PartyId><eb:Role>http://docs.oasis-open.org/ebxml-msg/ebms/v3.0/ns/core/200704/initiator</eb:Role></eb:From><eb:To><eb:PartyId type=\"urn:fdc:peppol.eu:2017:identifiers:ap\">POP000306</eb:PartyId><eb:Role>http://docs.oasis-open.org/ebxml-msg/ebms/v3.0/ns/core/200704/responder</eb:Role></eb:To></eb:PartyInfo><eb:CollaborationInfo><eb:AgreementRef>urn:fdc:peppol.eu:2017:agreements:tia:ap_provider</eb:AgreementRef><eb:Service type=\"cenbii-procid-ubl\">urn:fdc:peppol.eu:2017:poacc:billing:01:1.0</eb:Service><eb:Action>busdox-docid-qns::urn:oasis:names:specification:ubl:schema:xsd:Invoice-2::Invoice##urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0::2.1</eb:Action><eb:ConversationId>phase4@Conv-4045816466640743733</eb:ConversationId></eb:CollaborationInfo><eb:MessageProperties><eb:Property name=\"originalSender\" type=\"iso6523-actorid-upis\">9915:phase4-test-sender</eb:Property><eb:Property name=\"finalRecipient\" type=\"iso6523-actorid-upis\">9915:mallory"
        )
        #expect(renamed != wrapped)
        let error2 = try #require(throws: AS4Error.self) { try Self.verify(Array(renamed.utf8)) }
        #expect(error2.code == .failedAuthentication)
    }

    @Test func aDocumentTypeDeclarationIsRefused() throws {
        let bytes = try Self.changed(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><S12:Envelope",
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><!DOCTYPE x [<!ENTITY a \"b\">]><S12:Envelope")
        #expect(throws: AS4Error.self) { try Self.verify(bytes) }
    }
}
