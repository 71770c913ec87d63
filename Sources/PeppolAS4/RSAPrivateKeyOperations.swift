import COpenSSL

/// The two RSA private-key operations of an access point, through OpenSSL's libcrypto: an
/// RSASSA-PKCS1-v1_5 signature with SHA-256, and RSA-OAEP decryption with SHA-256 and
/// MGF1-SHA-256.
///
/// Every exchange makes three of them (the sender's signature, the receiver's key unwrap and its
/// receipt's signature), and they were the largest single cost of an exchange. swift-crypto's
/// BoringSSL takes 0.58 ms for one on this machine's CPUs; OpenSSL, with its AVX-512 IFMA code,
/// takes 0.25 ms (`openssl speed rsa2048`, and 0.575 ms with that one CPU feature masked). Keys
/// are still read and checked, and everything public (verifying, encrypting to a receiver) still
/// done, with swift-crypto.
final class RSAPrivateKeyOperations: @unchecked Sendable {
    // An EVP_PKEY that is not changed after it is made may be used from several threads at once;
    // each operation has a context of its own.
    private let key: OpaquePointer

    /// `pkcs1DER`: the key as PKCS#1 RSAPrivateKey DER (swift-crypto's `derRepresentation`).
    init(pkcs1DER: [UInt8]) throws(AS4Error) {
        let parsed: OpaquePointer? = pkcs1DER.withUnsafeBufferPointer { buffer in
            var start = buffer.baseAddress
            return d2i_PrivateKey(EVP_PKEY_RSA, nil, &start, buffer.count)
        }
        guard let parsed else { throw AS4Error(.other, "OpenSSL cannot read the access point's RSA key") }
        key = parsed
    }

    deinit { EVP_PKEY_free(key) }

    /// RSASSA-PKCS1-v1_5 with SHA-256 over `message`.
    func signSHA256(_ message: [UInt8]) throws(AS4Error) -> [UInt8] {
        guard let context = EVP_MD_CTX_new() else { throw AS4Error(.other, "signing failed: no memory") }
        defer { EVP_MD_CTX_free(context) }
        var length = 0
        guard EVP_DigestSignInit(context, nil, EVP_sha256(), nil, key) == 1,
            EVP_DigestSign(context, nil, &length, message, message.count) == 1
        else { throw AS4Error(.other, "signing failed") }
        var signature = [UInt8](repeating: 0, count: length)
        guard EVP_DigestSign(context, &signature, &length, message, message.count) == 1 else {
            throw AS4Error(.other, "signing failed")
        }
        return Array(signature.prefix(length))
    }

    /// RSA-OAEP with SHA-256 and MGF1-SHA-256, no label; nil when `ciphertext` does not decrypt.
    func decryptOAEPSHA256(_ ciphertext: [UInt8]) -> [UInt8]? {
        guard let context = EVP_PKEY_CTX_new(key, nil) else { return nil }
        defer { EVP_PKEY_CTX_free(context) }
        var length = 0
        guard EVP_PKEY_decrypt_init(context) == 1,
            EVP_PKEY_CTX_set_rsa_padding(context, RSA_PKCS1_OAEP_PADDING) == 1,
            EVP_PKEY_CTX_set_rsa_oaep_md(context, EVP_sha256()) == 1,
            EVP_PKEY_CTX_set_rsa_mgf1_md(context, EVP_sha256()) == 1,
            EVP_PKEY_decrypt(context, nil, &length, ciphertext, ciphertext.count) == 1
        else { return nil }
        var plaintext = [UInt8](repeating: 0, count: length)
        guard EVP_PKEY_decrypt(context, &plaintext, &length, ciphertext, ciphertext.count) == 1 else { return nil }
        return Array(plaintext.prefix(length))
    }
}
