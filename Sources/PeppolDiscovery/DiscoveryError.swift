/// Why finding a participant failed.
///
/// `code` is stable (`dns.not-found` …), for programs, logs and tests to match on; `detail` says
/// it in words for people.
public struct DiscoveryError: Error, Sendable, Equatable, CustomStringConvertible {
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// The answer is not a well-formed DNS message, or not the answer to the question asked.
        public static let malformed = Code(rawValue: "dns.malformed")
        /// NXDOMAIN: the name asked for does not exist.
        public static let nameError = Code(rawValue: "dns.name-error")
        /// SERVFAIL, REFUSED or another error code from the server: its answer says nothing about the name.
        public static let serverFailure = Code(rawValue: "dns.server-failure")
        /// No answer within the timeout, after every attempt.
        public static let timeout = Code(rawValue: "dns.timeout")
        /// The server cannot be reached or is not an address (connection refused, no route).
        public static let unreachable = Code(rawValue: "dns.unreachable")
        /// The participant is not published in the SML zone, or its name has no SMP record.
        public static let notFound = Code(rawValue: "dns.not-found")
        /// A name to look up that DNS cannot carry (an empty or over-long label).
        public static let invalidName = Code(rawValue: "dns.invalid-name")
        /// A U-NAPTR record this resolver does not apply: a regexp other than `!^.*$!URL!`, or none.
        public static let unsupportedNAPTR = Code(rawValue: "dns.unsupported-naptr")
        /// The SMP URL a record gives is not an http or https URL.
        public static let invalidSMPURL = Code(rawValue: "dns.invalid-smp-url")
        /// The SMP's answer is not signed, not signed by a trusted SMP certificate, or changed.
        public static let smpSignature = Code(rawValue: "smp.signature")
        /// The SMP's answer is not the document the SMP interface defines.
        public static let smpMalformed = Code(rawValue: "smp.malformed")
        /// The SMP does not publish the participant, the document type or the process asked for.
        public static let smpNotFound = Code(rawValue: "smp.not-found")
        /// The SMP cannot be reached, or answers with an HTTP error.
        public static let smpUnreachable = Code(rawValue: "smp.unreachable")
    }

    public var code: Code
    public var detail: String

    public init(_ code: Code, _ detail: String) {
        self.code = code
        self.detail = detail
    }

    public var description: String { "\(detail) [\(code.rawValue)]" }

    static func malformed(_ detail: String) -> DiscoveryError { DiscoveryError(.malformed, "malformed DNS answer: " + detail) }
}
