import CompressNIO
import Crypto
import Foundation
import NIOCore
import X509
import _CryptoExtras

/// A user message ready to POST, and what its receipt must prove.
public struct OutboundMessage: Sendable {
    public var header: UserMessage
    /// The HTTP Content-Type and body.
    public var contentType: String
    public var body: [UInt8]
    /// What was signed: the receipt's non-repudiation information must repeat exactly these.
    public var references: [SignedReference]
    /// The receiving access point's certificate, which the payload was encrypted to and which
    /// must have signed the receipt.
    public var receiverCertificate: Certificate
}

/// Builds Peppol AS4 user messages: the SBD gzipped, signed (digest of the gzip), then encrypted
/// with AES-128-GCM under a fresh key sent by RSA-OAEP (SHA-256, MGF1-SHA-256) to the receiver's
/// certificate; the one attachment of a `multipart/related` body.
public enum AS4Outbound {
    public static func userMessage(
        _ header: UserMessage, businessDocument sbd: [UInt8], from identity: AccessPointIdentity,
        to receiverCertificate: Certificate
    ) throws(AS4Error) -> OutboundMessage {
        var header = header
        header.fromParty = identity.partyID
        header.toParty = try AS4Certificate.commonName(of: receiverCertificate)

        let compressed = try gzip(sbd)
        let key = SymmetricKey(size: .bits128)
        let sealed: [UInt8]
        let wrappedKey: [UInt8]
        do {
            guard let combined = try AES.GCM.seal(compressed, using: key).combined else {
                throw AS4Error(.other, "AES-GCM gave no combined form")
            }
            sealed = Array(combined)
            let receiverKey = try _RSA.Encryption.PublicKey(derRepresentation: Array(receiverCertificate.publicKey.subjectPublicKeyInfoBytes))
            wrappedKey = Array(try receiverKey.encrypt(key.withUnsafeBytes { Array($0) }, padding: .PKCS1_OAEP_SHA256))
        } catch let error as AS4Error {
            throw error
        } catch {
            throw AS4Error(.other, "the payload cannot be encrypted to the receiver's certificate: \(error)")
        }

        let receiverTokenID = "X509-" + randomToken()
        let keyID = "EK-" + randomToken()
        let dataID = "ED-" + randomToken()
        let receiverToken = Data(AS4Certificate.derBytes(receiverCertificate)).base64EncodedString()
        let encryption = """
            <wsse:BinarySecurityToken EncodingType="\(AS4Algorithm.base64Binary)" ValueType="\(AS4Algorithm.x509v3)" \
            wsu:Id="\(receiverTokenID)">\(receiverToken)</wsse:BinarySecurityToken>\
            <xenc:EncryptedKey xmlns:xenc="\(AS4Namespace.xenc)" Id="\(keyID)">\
            <xenc:EncryptionMethod Algorithm="\(AS4Algorithm.rsaOAEP)">\
            <ds:DigestMethod xmlns:ds="\(AS4Namespace.ds)" Algorithm="\(AS4Algorithm.sha256)"/>\
            <xenc11:MGF xmlns:xenc11="\(AS4Namespace.xenc11)" Algorithm="\(AS4Algorithm.mgf1SHA256)"/></xenc:EncryptionMethod>\
            <ds:KeyInfo xmlns:ds="\(AS4Namespace.ds)"><wsse:SecurityTokenReference>\
            <wsse:Reference URI="#\(receiverTokenID)" ValueType="\(AS4Algorithm.x509v3)"/></wsse:SecurityTokenReference></ds:KeyInfo>\
            <xenc:CipherData><xenc:CipherValue>\(Data(wrappedKey).base64EncodedString())</xenc:CipherValue></xenc:CipherData>\
            <xenc:ReferenceList><xenc:DataReference URI="#\(dataID)"/></xenc:ReferenceList></xenc:EncryptedKey>\
            <xenc:EncryptedData xmlns:xenc="\(AS4Namespace.xenc)" Id="\(dataID)" MimeType="application/gzip" Type="\(AS4Algorithm.attachmentContentOnly)">\
            <xenc:EncryptionMethod Algorithm="\(AS4Algorithm.aes128GCM)"/>\
            <ds:KeyInfo xmlns:ds="\(AS4Namespace.ds)"><wsse:SecurityTokenReference xmlns:wsse11="\(AS4Namespace.wsse11)" \
            wsse11:TokenType="\(AS4Algorithm.encryptedKeyToken)"><wsse:Reference URI="#\(keyID)"/></wsse:SecurityTokenReference></ds:KeyInfo>\
            <xenc:CipherData><xenc:CipherReference URI="cid:\(header.payloadID)"><xenc:Transforms>\
            <ds:Transform xmlns:ds="\(AS4Namespace.ds)" Algorithm="\(AS4Algorithm.attachmentCiphertext)"/></xenc:Transforms>\
            </xenc:CipherReference></xenc:CipherData></xenc:EncryptedData>
            """
        let signed = try EnvelopeSigning.sign(
            messagingXML: header.messagingXML(id:), securityChildren: encryption,
            attachments: [(header.payloadID, compressed)], identity: identity)
        let mime = MIMEMessage(
            envelope: signed.envelope, attachments: [MIMEMessage.Attachment(contentID: header.payloadID, bytes: sealed)]
        ).serialized()
        return OutboundMessage(
            header: header, contentType: mime.contentType, body: mime.body, references: signed.references,
            receiverCertificate: receiverCertificate)
    }

    /// At zlib's fastest level: XML shrinks to about a fifth even so (a quarter more bytes than
    /// the default level gives), in half the time, and gzip was a twentieth of a sending
    /// server's CPU at the default level (`bench/peppol-send.sh`). The input goes to zlib a
    /// mebibyte at a time, so a large document is not copied whole once more on its way.
    static func gzip(_ bytes: [UInt8]) throws(AS4Error) -> [UInt8] {
        let chunkSize = 1 << 20
        do {
            let compressor = CompressionAlgorithm.gzip(configuration: ZlibConfiguration(compressionLevel: .fastestCompression)).compressor
            try compressor.startStream()
            defer { try? compressor.finishStream() }
            // Room for zlib's most conservative bound (deflateBound), so no call runs out of
            // space; only the pages written are ever touched.
            var compressed = ByteBuffer()
            compressed.reserveCapacity(bytes.count + bytes.count / 8 + bytes.count / 64 + 1024)
            var chunk = ByteBuffer()
            chunk.reserveCapacity(max(1, min(bytes.count, chunkSize)))
            var start = 0
            repeat {
                let end = min(start + chunkSize, bytes.count)
                chunk.clear()
                chunk.writeBytes(bytes[start..<end])
                try compressor.streamDeflate(from: &chunk, to: &compressed, flush: end == bytes.count ? .finish : .no)
                start = end
            } while start < bytes.count
            return compressed.readBytes(length: compressed.readableBytes) ?? []
        } catch {
            throw AS4Error(.other, "the payload cannot be gzipped: \(error)")
        }
    }
}
