import Crypto
import Foundation
import SwiftASN1
import X509
import _CryptoExtras

/// A Peppol-shaped PKI for local use and tests: a root CA, an access point CA under it, and
/// access point certificates (RSA-2048, SHA-256) named by their common names, as the Peppol test
/// PKI issues them. Everything comes back as PEM, readable by OpenSSL.
public enum LocalPKI {
    public struct Issued: Sendable {
        public var commonName: String
        public var certificatePEM: String
        public var privateKeyPEM: String
    }

    public struct Result: Sendable {
        public var root: Issued
        public var accessPointCA: Issued
        public var accessPoints: [Issued]
    }

    public static func make(accessPoints names: [String], organisation: String = "efactuur local", validFor days: Int = 730) throws -> Result {
        let now = Date()
        let notBefore = now.addingTimeInterval(-3600)
        let notAfter = now.addingTimeInterval(Double(days) * 86_400)
        func name(_ commonName: String) throws -> DistinguishedName {
            try DistinguishedName {
                CountryName("NL")
                OrganizationName(organisation)
                OrganizationalUnitName("FOR TEST ONLY")
                CommonName(commonName)
            }
        }
        func issue(
            _ commonName: String, issuer: (name: DistinguishedName, key: _RSA.Signing.PrivateKey)?, isCA: Bool
        ) throws -> (Issued, DistinguishedName, _RSA.Signing.PrivateKey) {
            let key = try _RSA.Signing.PrivateKey(keySize: .bits2048)
            let subject = try name(commonName)
            let extensions = try Certificate.Extensions {
                Critical(isCA ? BasicConstraints.isCertificateAuthority(maxPathLength: nil) : BasicConstraints.notCertificateAuthority)
                Critical(
                    isCA
                        ? KeyUsage(keyCertSign: true, cRLSign: true)
                        : KeyUsage(digitalSignature: true, keyEncipherment: true, dataEncipherment: true))
                if !isCA { Critical(try ExtendedKeyUsage([.clientAuth])) }
                SubjectKeyIdentifier(hash: Certificate.PublicKey(key.publicKey))
            }
            let certificate = try Certificate(
                version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: Certificate.PublicKey(key.publicKey),
                notValidBefore: notBefore, notValidAfter: notAfter, issuer: issuer?.name ?? subject, subject: subject,
                signatureAlgorithm: .sha256WithRSAEncryption, extensions: extensions,
                issuerPrivateKey: Certificate.PrivateKey(issuer?.key ?? key))
            let issued = Issued(
                commonName: commonName, certificatePEM: try certificate.serializeAsPEM().pemString,
                privateKeyPEM: key.pkcs8PEMRepresentation)
            return (issued, subject, key)
        }
        let (root, rootName, rootKey) = try issue("\(organisation) ROOT TEST CA", issuer: nil, isCA: true)
        let (ca, caName, caKey) = try issue("\(organisation) ACCESS POINT TEST CA", issuer: (rootName, rootKey), isCA: true)
        let accessPoints = try names.map { try issue($0, issuer: (caName, caKey), isCA: false).0 }
        return Result(root: root, accessPointCA: ca, accessPoints: accessPoints)
    }
}
