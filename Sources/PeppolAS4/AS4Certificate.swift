import Foundation
import SwiftASN1
import Synchronization
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
/// verifier at the given time, and, with a ``Revocation`` set, each certificate's OCSP responder
/// is asked whether it was revoked.
public struct AS4Trust: Sendable {
    // A copy given other roots, intermediates or revocation checking forgets what passed under
    // the old ones.
    public var roots: [Certificate] { didSet { passed = PassedChecks() } }
    public var intermediates: [Certificate] { didSet { passed = PassedChecks() } }
    /// Revocation checking by OCSP; nil checks none.
    public var revocation: Revocation? { didSet { passed = PassedChecks() } }
    /// Certificates that passed, until when: a partner signs every message with the same
    /// certificate, and neither its chain nor its responder need asking each time.
    private var passed = PassedChecks()
    /// How long a certificate that passed is not checked again.
    public static let recheckAfter: Duration = .seconds(300)

    public init(roots: [Certificate], intermediates: [Certificate], revocation: Revocation? = nil) {
        self.roots = roots
        self.intermediates = intermediates
        self.revocation = revocation
    }

    /// The certificates of a PEM file: the self-signed ones are the roots, the others intermediates.
    public init(pem: String) throws(AS4Error) {
        let certificates = try AS4Certificate.pemCertificates(pem)
        roots = certificates.filter { $0.subject == $0.issuer }
        intermediates = certificates.filter { $0.subject != $0.issuer }
        guard !roots.isEmpty else { throw AS4Error(.other, "no root (self-signed) certificate among them") }
    }

    /// How certificates are checked for revocation: the OCSP responder each names (its Authority
    /// Information Access), asked through `requester`, the HTTP client being the caller's.
    public struct Revocation: Sendable {
        /// `soft`: only a certificate the responder says is revoked (or unknown) is refused; an
        /// unreachable responder lets it pass. `hard`: a certificate whose status cannot be
        /// learned is refused too.
        public var failureMode: OCSPFailureMode
        public var requester: any OCSPRequester

        public init(failureMode: OCSPFailureMode, requester: any OCSPRequester) {
            self.failureMode = failureMode
            self.requester = requester
        }
    }

    /// Refuses a certificate that does not chain to the trusted CA, is not valid now or, with
    /// revocation checking, was revoked.
    public func check(_ certificate: Certificate) async throws(AS4Error) {
        let now = Date()
        if passed.contains(certificate, at: now) { return }
        var verifier = Verifier(rootCertificates: CertificateStore(roots)) {
            RFC5280Policy()
            AccessPointUsagePolicy()
            if let revocation {
                OCSPVerifierPolicy(failureMode: revocation.failureMode, requester: AnyRequester(base: revocation.requester))
            }
        }
        let result = await verifier.validate(leaf: certificate, intermediates: CertificateStore(intermediates))
        let name = (try? AS4Certificate.commonName(of: certificate)) ?? "the sender"
        switch result {
        case .validCertificate:
            // Remembered no longer than the certificate is valid.
            passed.insert(
                certificate, until: min(now.addingTimeInterval(Double(Self.recheckAfter.components.seconds)), certificate.notValidAfter))
        case .couldNotValidate(let failures):
            if certificate.notValidAfter < now || certificate.notValidBefore > now {
                throw AS4Error(
                    .failedAuthentication,
                    "the certificate of \(name) is not valid now (\(certificate.notValidBefore) – \(certificate.notValidAfter))")
            }
            // A chain to our CA that only the OCSP policy refused: revoked, or its status unknown.
            let reasons = failures.map { "\($0.policyFailureReason)" }
            if let revoked = reasons.first(where: { $0.lowercased().contains("revoked") || $0.lowercased().contains("ocsp") }) {
                throw AS4Error(.failedAuthentication, "the certificate of \(name) did not pass its revocation check: \(revoked)")
            }
            throw AS4Error(.failedAuthentication, "the certificate of \(name) is not issued by the trusted Peppol access point CA")
        }
    }

    /// `OCSPVerifierPolicy` wants one concrete requester type.
    private struct AnyRequester: OCSPRequester {
        let base: any OCSPRequester
        func query(request: [UInt8], uri: String) async -> OCSPRequesterQueryResult { await base.query(request: request, uri: uri) }
    }
}

/// Certificates whose check passed, each until a time; bounded.
private final class PassedChecks: Sendable {
    private let entries = Mutex<[Certificate: Date]>([:])

    func contains(_ certificate: Certificate, at now: Date) -> Bool {
        entries.withLock { ($0[certificate] ?? .distantPast) > now }
    }

    func insert(_ certificate: Certificate, until: Date) {
        entries.withLock {
            if $0.count >= 1_000 { $0.removeAll() }
            $0[certificate] = until
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
