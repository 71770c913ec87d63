/// Why the platform refused something: a stable `code`, a message for people, and what the refusal
/// is about, so each API front end can answer with its own codes and wording.
public struct PlatformError: Error, Sendable, Equatable, CustomStringConvertible {
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible, ExpressibleByStringLiteral {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public init(stringLiteral value: String) { self.rawValue = value }
        public var description: String { rawValue }

        public static let invalidCredentials: Code = "platform.invalid-credentials"
        /// Too many failed logins for the key or from the address; see ``PlatformError/retryAfter``.
        public static let tooManyFailedLogins: Code = "platform.too-many-failed-logins"
        public static let tokenExpired: Code = "platform.token-expired"
        public static let subscriptionTooLow: Code = "platform.subscription-too-low"
        public static let noRightToSendVia: Code = "platform.no-right-to-send-via"
        public static let noRightToParty: Code = "platform.no-right-to-party"
        public static let invalidPayload: Code = "platform.invalid-payload"
        /// The document has fatal findings; see ``PlatformError/ruleIDs``.
        public static let validationFailed: Code = "platform.validation-failed"
        public static let receiverUnreachable: Code = "platform.receiver-unreachable"
        public static let documentNotFound: Code = "platform.document-not-found"
        public static let partyNotFound: Code = "platform.party-not-found"
        public static let invalidStatus: Code = "platform.invalid-status"
        public static let unknownTemplate: Code = "platform.unknown-template"
        public static let invalidPagingToken: Code = "platform.invalid-paging-token"
        /// A field of a request is wrong; see ``PlatformError/field``.
        public static let invalidInput: Code = "platform.invalid-input"
        /// No record of the kind in ``PlatformError/field``.
        public static let notFound: Code = "platform.not-found"
        /// Stored records break a rule the store is about to enforce; the operator must resolve them.
        public static let conflictingRecords: Code = "platform.conflicting-records"
        /// The document is not an invoice or credit note the platform can render as a PDF.
        public static let notRenderable: Code = "platform.not-renderable"
        /// A portal sign-in with an e-mail address and password that do not belong together (which
        /// of the two was wrong is never said).
        public static let signInFailed: Code = "platform.sign-in-failed"
        /// The signed-in user's role does not allow this (only administrators manage keys and users).
        public static let notAllowed: Code = "platform.not-allowed"
    }

    public var code: Code
    public var message: String
    /// What the refusal is about: the party, document, token, status, template or record id, the
    /// subscription level, or the reason an input is wrong.
    public var subject: String
    /// The input field at fault (`invalidInput`, `invalidPayload`), or the kind of record (`notFound`).
    public var field: String?
    /// The fatal rules (`validationFailed`).
    public var ruleIDs: [String]
    /// Seconds before another login is looked at (`tooManyFailedLogins`).
    public var retryAfter: Int?

    public init(
        _ code: Code, _ message: String, subject: String = "", field: String? = nil, ruleIDs: [String] = [],
        retryAfter: Int? = nil
    ) {
        self.code = code
        self.message = message
        self.subject = subject
        self.field = field
        self.ruleIDs = ruleIDs
        self.retryAfter = retryAfter
    }

    public var description: String { "\(message) [\(code)]" }
}

extension PlatformError {
    public static let invalidCredentials = PlatformError(.invalidCredentials, "the connection key or security token is not valid")
    public static let tokenExpired = PlatformError(.tokenExpired, "the security token has expired; log in again")

    public static func tooManyFailedLogins(retryAfter seconds: Int) -> PlatformError {
        PlatformError(
            .tooManyFailedLogins, "too many failed logins; wait \(seconds) seconds before trying again", retryAfter: seconds)
    }
    public static func subscriptionTooLow(_ level: Subscription) -> PlatformError {
        PlatformError(
            .subscriptionTooLow, "API access needs at least the Basic subscription; this account has '\(level.rawValue)'",
            subject: level.rawValue)
    }
    public static func noRightToSendVia(_ party: String) -> PlatformError {
        PlatformError(.noRightToSendVia, "these connection keys may not send via '\(party)'", subject: party)
    }
    public static func noRightToParty(_ party: String) -> PlatformError {
        PlatformError(.noRightToParty, "these connection keys may not read the documents of '\(party)'", subject: party)
    }
    public static func invalidPayload(_ why: String) -> PlatformError {
        PlatformError(.invalidPayload, "the payload is not an invoice or credit note: \(why)", subject: why, field: "Payload")
    }
    public static func validationFailed(fatalRuleIDs ids: [String]) -> PlatformError {
        PlatformError(.validationFailed, "the document fails validation: \(ids.joined(separator: ", "))", ruleIDs: ids)
    }
    public static func receiverUnreachable(_ reference: String) -> PlatformError {
        PlatformError(
            .receiverUnreachable, "no organisation '\(reference)' on the platform and no e-mail address given",
            subject: reference)
    }
    public static func documentNotFound(_ id: String) -> PlatformError {
        PlatformError(.documentNotFound, "no document '\(id)' is visible to these connection keys", subject: id)
    }
    public static func partyNotFound(_ reference: String) -> PlatformError {
        PlatformError(.partyNotFound, "no party '\(reference)' is known on the platform", subject: reference)
    }
    public static func invalidStatus(_ code: String) -> PlatformError {
        PlatformError(.invalidStatus, "'\(code)' is not a status of this document's template", subject: code)
    }
    public static func unknownTemplate(_ id: String) -> PlatformError {
        PlatformError(.unknownTemplate, "the template '\(id)' does not exist", subject: id)
    }
    public static func invalidPagingToken(_ token: String) -> PlatformError {
        PlatformError(.invalidPagingToken, "'\(token)' is not a paging token this platform gave out", subject: token)
    }
    public static func invalidInput(field: String, reason: String) -> PlatformError {
        PlatformError(.invalidInput, "\(field): \(reason)", subject: reason, field: field)
    }
    public static func notFound(kind: String, id: String) -> PlatformError {
        PlatformError(.notFound, "no \(kind) '\(id)'", subject: id, field: kind)
    }
    public static func conflictingRecords(_ what: String) -> PlatformError {
        PlatformError(.conflictingRecords, what)
    }
    public static let signInFailed = PlatformError(.signInFailed, "the e-mail address or the password is not right")

    public static func notAllowed(_ what: String) -> PlatformError {
        PlatformError(.notAllowed, "only an administrator of the account may \(what)", subject: what)
    }

    public static func notRenderable(_ id: String) -> PlatformError {
        PlatformError(.notRenderable, "document \(id) is not an invoice or credit note this platform can render", subject: id)
    }
}
