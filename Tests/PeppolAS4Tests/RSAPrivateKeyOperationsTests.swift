import Crypto
import Foundation
import Testing
import _CryptoExtras

@testable import PeppolAS4

/// OpenSSL's private-key operations against swift-crypto's: the same signatures (PKCS#1 v1.5 is
/// deterministic), and what swift-crypto encrypts to the key decrypts.
@Suite struct RSAPrivateKeyOperationsTests {
    @Test("Signatures equal swift-crypto's; OAEP-SHA-256 from swift-crypto decrypts; anything changed does not")
    func sameAsSwiftCrypto() throws {
        let key = try _RSA.Signing.PrivateKey(keySize: .bits2048)
        let operations = try RSAPrivateKeyOperations(pkcs1DER: Array(key.derRepresentation))

        for message in [[UInt8](), Array("<ds:SignedInfo/>".utf8), [UInt8](repeating: 0xA5, count: 100_000)] {
            let signature = try operations.signSHA256(message)
            #expect(signature == Array(try key.signature(for: message, padding: .insecurePKCS1v1_5).rawRepresentation))
            #expect(key.publicKey.isValidSignature(.init(rawRepresentation: signature), for: message, padding: .insecurePKCS1v1_5))
        }

        let publicKey = try _RSA.Encryption.PublicKey(derRepresentation: key.publicKey.derRepresentation)
        let secret = (0..<16).map { UInt8($0) }
        var wrapped = Array(try publicKey.encrypt(secret, padding: .PKCS1_OAEP_SHA256))
        #expect(operations.decryptOAEPSHA256(wrapped) == secret)
        // OAEP with SHA-1 (another profile's choice) is not what this key unwraps.
        let sha1 = Array(try publicKey.encrypt(secret, padding: .PKCS1_OAEP))
        #expect(operations.decryptOAEPSHA256(sha1) == nil)
        wrapped[wrapped.count / 2] ^= 1
        #expect(operations.decryptOAEPSHA256(wrapped) == nil)
        #expect(operations.decryptOAEPSHA256([]) == nil)
        // What a hostile sender can put there instead: a number past the modulus, one byte short,
        // a megabyte.
        for hostile in [[UInt8](repeating: 0xFF, count: 256), [UInt8](repeating: 1, count: 255), [UInt8](repeating: 7, count: 1 << 20)] {
            #expect(operations.decryptOAEPSHA256(hostile) == nil)
        }
    }

    @Test("Bytes that are not an RSA key are refused")
    func notAKey() {
        #expect(throws: AS4Error.self) { try RSAPrivateKeyOperations(pkcs1DER: Array("not a key".utf8)) }
        #expect(throws: AS4Error.self) { try RSAPrivateKeyOperations(pkcs1DER: []) }
    }
}
