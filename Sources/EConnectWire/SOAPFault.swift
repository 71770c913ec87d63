import Foundation

/// An API error as the platform reports it: HTTP 500 and a SOAP fault whose `faultstring` is
/// `Message [CODE]`, with the same text in `detail/Message`.
public struct SOAPFault: Error, Sendable, Equatable, CustomStringConvertible {
    /// An eConnect error code, e.g. `ERRIAU6000007`. Open: a platform may answer with codes this
    /// catalogue does not have.
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible, ExpressibleByStringLiteral {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public init(stringLiteral value: String) { self.rawValue = value }
        public var description: String { rawValue }
    }

    public var code: Code
    public var message: String
    /// `soap:Client` when the request itself is wrong, `soap:Server` otherwise.
    public var isClientFault: Bool

    public init(code: Code, message: String, isClientFault: Bool = true) {
        self.code = code
        self.message = message
        self.isClientFault = isClientFault
    }

    /// `Message [CODE]`.
    public var faultString: String { "\(message) [\(code)]" }
    public var description: String { faultString }

    /// Reads `Message [CODE]` back; the code is the text inside the last brackets.
    public init?(faultString: String) {
        guard faultString.hasSuffix("]"), let open = faultString.lastIndex(of: "[") else { return nil }
        code = Code(rawValue: String(faultString[faultString.index(after: open)..<faultString.index(before: faultString.endIndex)]))
        message = faultString[..<open].trimmingCharacters(in: .whitespaces)
        isClientFault = true
    }
}

extension SOAPFault {
    // The documented codes.
    public static let tokenExpired = SOAPFault(code: "DEFAULT_ERROR_CODE999", message: "DEFAULT_ERROR_MESSAGE")
    public static let invalidKey = SOAPFault(
        code: "ERRIAU6000007", message: "Invalid consumer key or no such app available in registry")
    public static func namespaceMismatch(_ detail: String) -> SOAPFault {
        SOAPFault(code: "ERRCDO4000041", message: "The namespace used for the API is not supported: \(detail)")
    }
    public static func invalidXML(_ detail: String) -> SOAPFault {
        SOAPFault(code: "ERRIER8000006", message: "Invalid XML: \(detail)")
    }
    public static func noRightToSendVia(_ party: String) -> SOAPFault {
        SOAPFault(code: "ERRGRP3000006", message: "You have no permission to send via the group '\(party)'")
    }
    public static func validationFailed(_ ruleIDs: [String]) -> SOAPFault {
        SOAPFault(
            code: "ERRXSL4000001",
            message: "There was an error validating the document; fatal rules: \(ruleIDs.joined(separator: ", "))")
    }
    public static func receiverUnreachable(_ reference: String) -> SOAPFault {
        SOAPFault(
            code: "ERRSND4000001",
            message: "The recipient '\(reference)' is not reachable in the network and no e-mail address was given")
    }

    // Codes of our own, in the same style, where the documents have none.
    public static func subscriptionTooLow(_ level: String) -> SOAPFault {
        SOAPFault(
            code: "ERRACC3000001",
            message: "API access needs at least the Basic subscription; this account has '\(level)'")
    }
    public static func tooManyFailedLogins(retryAfter seconds: Int) -> SOAPFault {
        SOAPFault(code: "ERRIAU4290001", message: "Too many failed logins; wait \(seconds) seconds before trying again")
    }
    public static let serverBusy = SOAPFault(
        code: "ERRSRV5030001", message: "The server is busy; nothing was changed, try again in a moment",
        isClientFault: false)
    public static func tooLarge(_ limit: Int) -> SOAPFault {
        SOAPFault(code: "ERRIER8000006", message: "Invalid XML: the request is larger than \(limit) bytes")
    }
    public static func missingField(_ path: String) -> SOAPFault {
        SOAPFault(code: "ERRREQ4000001", message: "The request lacks the mandatory element \(path)")
    }
    public static func invalidField(_ path: String, _ why: String) -> SOAPFault {
        SOAPFault(code: "ERRREQ4000002", message: "The element \(path) is invalid: \(why)")
    }
    public static func unknownOperation(_ name: String) -> SOAPFault {
        SOAPFault(code: "ERRCDO4000042", message: "The operation '\(name)' does not exist in this API")
    }
    public static func documentNotFound(_ id: String) -> SOAPFault {
        SOAPFault(code: "ERRDOC4000004", message: "No document '\(id)' is visible to these connection keys")
    }
    public static func partyNotFound(_ reference: String) -> SOAPFault {
        SOAPFault(code: "ERRPTY4000004", message: "No party '\(reference)' is known on the platform")
    }
    public static func noRightToParty(_ party: String) -> SOAPFault {
        SOAPFault(code: "ERRGRP3000007", message: "You have no permission to read the documents of '\(party)'")
    }
    public static func invalidStatus(_ code: String) -> SOAPFault {
        SOAPFault(code: "ERRSTS4000001", message: "'\(code)' is not a status of this document's template")
    }
    public static func unknownTemplate(_ id: String) -> SOAPFault {
        SOAPFault(code: "ERRTPL4000001", message: "The template '\(id)' does not exist")
    }
    public static func notFound(_ kind: String, _ id: String) -> SOAPFault {
        SOAPFault(code: "ERRREQ4000004", message: "No \(kind) '\(id)'")
    }
    public static func notRenderable(_ id: String) -> SOAPFault {
        SOAPFault(code: "ERRDMN8000004", message: "Document \(id) is not an invoice or credit note this platform can render")
    }
    public static func invalidPagingToken(_ token: String) -> SOAPFault {
        SOAPFault(code: "ERRPAG4000001", message: "The paging token '\(token)' is not one this server gave out")
    }
    public static let internalError = SOAPFault(
        code: "ERRSRV5000001", message: "The server could not complete the request; nothing was changed",
        isClientFault: false)
}
