/// Why the platform refused something. Each case has a stable `code`; the API front ends map
/// them to their own error codes.
public enum PlatformError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalidCredentials
    /// Too many failed logins for the key or from the address; try again after `retryAfter` seconds.
    case tooManyFailedLogins(retryAfter: Int)
    case tokenExpired
    case subscriptionTooLow(Subscription)
    case noRightToSendVia(String)
    case noRightToParty(String)
    case invalidPayload(String)
    case validationFailed(fatalRuleIDs: [String])
    case receiverUnreachable(String)
    case documentNotFound(String)
    case partyNotFound(String)
    case invalidStatus(String)
    case unknownTemplate(String)
    case invalidPagingToken(String)
    case invalidInput(field: String, reason: String)
    case notFound(kind: String, id: String)
    /// Stored records break a rule the store is about to enforce; the operator must resolve them.
    case conflictingRecords(String)
    /// The document is not an invoice or credit note the platform can render as a PDF.
    case notRenderable(String)

    public var code: String {
        switch self {
        case .invalidCredentials: "platform.invalid-credentials"
        case .tooManyFailedLogins: "platform.too-many-failed-logins"
        case .tokenExpired: "platform.token-expired"
        case .subscriptionTooLow: "platform.subscription-too-low"
        case .noRightToSendVia: "platform.no-right-to-send-via"
        case .noRightToParty: "platform.no-right-to-party"
        case .invalidPayload: "platform.invalid-payload"
        case .validationFailed: "platform.validation-failed"
        case .receiverUnreachable: "platform.receiver-unreachable"
        case .documentNotFound: "platform.document-not-found"
        case .partyNotFound: "platform.party-not-found"
        case .invalidStatus: "platform.invalid-status"
        case .unknownTemplate: "platform.unknown-template"
        case .invalidPagingToken: "platform.invalid-paging-token"
        case .invalidInput: "platform.invalid-input"
        case .notFound: "platform.not-found"
        case .conflictingRecords: "platform.conflicting-records"
        case .notRenderable: "platform.not-renderable"
        }
    }

    public var message: String {
        switch self {
        case .invalidCredentials: "the connection key or security token is not valid"
        case .tooManyFailedLogins(let seconds): "too many failed logins; wait \(seconds) seconds before trying again"
        case .tokenExpired: "the security token has expired; log in again"
        case .subscriptionTooLow(let level): "API access needs at least the Basic subscription; this account has '\(level.rawValue)'"
        case .noRightToSendVia(let party): "these connection keys may not send via '\(party)'"
        case .noRightToParty(let party): "these connection keys may not read the documents of '\(party)'"
        case .invalidPayload(let why): "the payload is not an invoice or credit note: \(why)"
        case .validationFailed(let ids): "the document fails validation: \(ids.joined(separator: ", "))"
        case .receiverUnreachable(let reference): "no organisation '\(reference)' on the platform and no e-mail address given"
        case .documentNotFound(let id): "no document '\(id)' is visible to these connection keys"
        case .partyNotFound(let reference): "no party '\(reference)' is known on the platform"
        case .invalidStatus(let code): "'\(code)' is not a status of this document's template"
        case .unknownTemplate(let id): "the template '\(id)' does not exist"
        case .invalidPagingToken(let token): "'\(token)' is not a paging token this platform gave out"
        case .invalidInput(let field, let reason): "\(field): \(reason)"
        case .notFound(let kind, let id): "no \(kind) '\(id)'"
        case .conflictingRecords(let what): what
        case .notRenderable(let id): "document \(id) is not an invoice or credit note this platform can render"
        }
    }

    public var description: String { "\(message) [\(code)]" }
}
