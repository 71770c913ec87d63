import Platform
import Testing

struct DocumentDigestTests {
    /// The SHA-256 test vectors of FIPS 180-2, written as sender and receiver compare them.
    @Test func writesTheDigestAsLowerCaseHex() {
        #expect(DocumentDigest.sha256("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(DocumentDigest.sha256("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }
}
