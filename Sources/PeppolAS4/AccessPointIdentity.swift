import Crypto
import Foundation
import HardenedXML
import X509
import _CryptoExtras

/// An access point's certificate and RSA key: it signs what it sends and what it answers, and
/// decrypts what is sent to it. Its Peppol party id is the certificate's common name.
public struct AccessPointIdentity: Sendable {
    public let certificate: Certificate
    /// The certificate's DER, as a BinarySecurityToken carries it.
    let certificateDER: [UInt8]
    public let partyID: String
    let signingKey: _RSA.Signing.PrivateKey
    /// The same key, for the private-key operations themselves (see ``RSAPrivateKeyOperations``).
    let privateKeyOperations: RSAPrivateKeyOperations
    /// Keys the MessageIds (``messageID(for:)``): derived from the private key once, not per message.
    let messageIDKey: SymmetricKey

    /// Reads the certificate (the first in `certificatePEM`) and its PKCS#8 or PKCS#1 private key,
    /// and checks that they belong together.
    public init(certificatePEM: String, privateKeyPEM: String) throws(AS4Error) {
        guard let certificate = try AS4Certificate.pemCertificates(certificatePEM).first else {
            throw AS4Error(.other, "no certificate in the access point's certificate file")
        }
        do {
            signingKey = try _RSA.Signing.PrivateKey(pemRepresentation: privateKeyPEM)
        } catch {
            throw AS4Error(.other, "the access point's private key is not an RSA key in PEM")
        }
        guard _RSA.Signing.PublicKey(certificate.publicKey)?.derRepresentation == signingKey.publicKey.derRepresentation else {
            throw AS4Error(.other, "the private key does not belong to the access point's certificate")
        }
        self.privateKeyOperations = try RSAPrivateKeyOperations(pkcs1DER: Array(signingKey.derRepresentation))
        self.certificate = certificate
        self.certificateDER = AS4Certificate.derBytes(certificate)
        self.partyID = try AS4Certificate.commonName(of: certificate)
        self.messageIDKey = SymmetricKey(data: SHA256.hash(data: signingKey.derRepresentation))
    }

    /// RSASSA-PKCS1-v1_5 with SHA-256.
    func sign(_ bytes: [UInt8]) throws(AS4Error) -> [UInt8] {
        try privateKeyOperations.signSHA256(bytes)
    }

    func unwrapKey(_ wrapped: [UInt8]) throws(AS4Error) -> SymmetricKey {
        guard let key = privateKeyOperations.decryptOAEPSHA256(wrapped) else {
            throw AS4Error(.failedDecryption, "the content key cannot be decrypted with this access point's key")
        }
        guard key.count == 16 else { throw AS4Error(.failedDecryption, "the content key is not an AES-128 key") }
        return SymmetricKey(data: key)
    }

    /// A MessageId for `name` (a document revision) that is the same on every attempt, so the
    /// receiver delivers a retry once, but that nobody else can predict and use first: a hash
    /// of the name keyed with this access point's private key.
    public func messageID(for name: String) -> String {
        let tag = HMAC<SHA256>.authenticationCode(for: Data(name.utf8), using: messageIDKey)
        return "\(name)-" + tag.prefix(12).lowercaseHex + "@\(partyID.lowercased()).efactuur"
    }

    /// The certificate as base64 DER, as a BinarySecurityToken carries it.
    var certificateBase64: String { Data(AS4Certificate.derBytes(certificate)).base64EncodedString() }
}
