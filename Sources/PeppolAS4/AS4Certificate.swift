import Foundation
import SwiftASN1
import X509
import _CryptoExtras

/// The certificate facts the Peppol profile turns on: an access point is named by its
/// certificate's common name (`POP000306`), and trusted when the certificate chains to the
/// configured Peppol access point CA and is valid now.
public enum AS4Certificate {
    public static func commonName(of certificate: Certificate) throws(AS4Error) -> String {
        for rdn in certificate.subject {
            for attribute in rdn where attribute.type == .RDNAttributeType.commonName {
                if let name = String(attribute.value) { return name }
            }
        }
        throw AS4Error(.failedAuthentication, "the certificate has no common name")
    }

    public static func pemCertificates(_ text: String) throws(AS4Error) -> [Certificate] {
        do {
            let documents = try PEMDocument.parseMultiple(pemString: text)
            return try documents.filter { $0.discriminator == "CERTIFICATE" }.map { try Certificate(pemDocument: $0) }
        } catch {
            throw AS4Error(.failedAuthentication, "the PEM certificates cannot be read: \(error)")
        }
    }

    public static func derBytes(_ certificate: Certificate) -> [UInt8] {
        var serializer = DER.Serializer()
        try! serializer.serialize(certificate)  // a parsed certificate always serializes
        return serializer.serializedBytes
    }
}

/// The trust anchor of a Peppol access point: the root and access point CA certificates a
/// partner's certificate must chain to. Chains are checked with swift-certificates' RFC 5280
/// verifier at the given time.
public struct AS4Trust: Sendable {
    public var roots: [Certificate]
    public var intermediates: [Certificate]

    public init(roots: [Certificate], intermediates: [Certificate]) {
        self.roots = roots
        self.intermediates = intermediates
    }

    /// The certificates of a PEM file: the self-signed ones are the roots, the others intermediates.
    public init(pem: String) throws(AS4Error) {
        let certificates = try AS4Certificate.pemCertificates(pem)
        roots = certificates.filter { $0.subject == $0.issuer }
        intermediates = certificates.filter { $0.subject != $0.issuer }
        guard !roots.isEmpty else { throw AS4Error(.other, "no root (self-signed) certificate among them") }
    }

    /// Refuses a certificate that does not chain to the trusted CA or is not valid now.
    public func check(_ certificate: Certificate) async throws(AS4Error) {
        var verifier = Verifier(rootCertificates: CertificateStore(roots)) {
            RFC5280Policy()
            AccessPointUsagePolicy()
        }
        let result = await verifier.validate(leaf: certificate, intermediates: CertificateStore(intermediates))
        guard case .validCertificate = result else {
            let now = Date()
            if certificate.notValidAfter < now || certificate.notValidBefore > now {
                throw AS4Error(
                    .failedAuthentication,
                    "the certificate of \((try? AS4Certificate.commonName(of: certificate)) ?? "the sender") is not valid now (\(certificate.notValidBefore) – \(certificate.notValidAfter))"
                )
            }
            throw AS4Error(
                .failedAuthentication,
                "the certificate of \((try? AS4Certificate.commonName(of: certificate)) ?? "the sender") is not issued by the trusted Peppol access point CA"
            )
        }
    }
}

/// Peppol access point certificates mark their extended key usage critical (TLS client
/// authentication); RFC 5280 lets a verifier that knows the extension accept it. The leaf must
/// allow client authentication or any usage.
struct AccessPointUsagePolicy: VerifierPolicy {
    let verifyingCriticalExtensions: [ASN1ObjectIdentifier] = [.X509ExtensionID.extendedKeyUsage]

    func chainMeetsPolicyRequirements(chain: UnverifiedCertificateChain) async -> PolicyEvaluationResult {
        guard let usage = try? chain.leaf.extensions.extendedKeyUsage else { return .meetsPolicy }
        if usage.contains(.clientAuth) || usage.contains(.any) { return .meetsPolicy }
        return .failsToMeetPolicy(reason: "the access point certificate does not allow client authentication")
    }
}
