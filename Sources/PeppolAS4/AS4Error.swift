/// Why an AS4 message was refused, as the ebMS 3 error it is answered with.
///
/// `code` is the ebMS error code (`EBMS:0101` …) a receiver puts in its Error signal, so the
/// sender's access point knows what went wrong; `detail` says it in words for logs and people,
/// and never holds key material.
public struct AS4Error: Error, Sendable, Equatable, CustomStringConvertible {
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// A value the receiver does not recognise (an unknown algorithm, agreement, MIME part).
        public static let valueNotRecognized = Code(rawValue: "EBMS:0001")
        /// Values that contradict each other (SBDH against the ebMS properties).
        public static let valueInconsistent = Code(rawValue: "EBMS:0003")
        /// Anything else, e.g. a receiver this access point does not serve (`PEPPOL:NOT_SERVICED`).
        public static let other = Code(rawValue: "EBMS:0004")
        /// The message is not a well-formed ebMS message.
        public static let invalidHeader = Code(rawValue: "EBMS:0009")
        /// The signature, a digest or the signer's certificate does not hold.
        public static let failedAuthentication = Code(rawValue: "EBMS:0101")
        /// The attachment or its key cannot be decrypted.
        public static let failedDecryption = Code(rawValue: "EBMS:0102")
        /// The message breaks the Peppol profile (what is signed, encrypted or required).
        public static let policyNoncompliance = Code(rawValue: "EBMS:0103")
        /// The attachment cannot be gunzipped within the size limit.
        public static let decompressionFailure = Code(rawValue: "EBMS:0303")
    }

    public var code: Code
    public var detail: String
    /// The Peppol error detail a receiver adds (`PEPPOL:NOT_SERVICED`), if any.
    public var peppolCode: String?

    public init(_ code: Code, _ detail: String, peppolCode: String? = nil) {
        self.code = code
        self.detail = detail
        self.peppolCode = peppolCode
    }

    /// The receiver does not serve the final recipient.
    public static func notServiced(_ recipient: String) -> AS4Error {
        AS4Error(.other, "this access point does not serve the receiver \(recipient)", peppolCode: "PEPPOL:NOT_SERVICED")
    }

    public var description: String { "\(detail) [\(peppolCode ?? code.rawValue)]" }
}
