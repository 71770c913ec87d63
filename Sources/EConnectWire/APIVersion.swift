/// The two versions of the native SOAP API. They share every message; only the namespace (and so
/// the SOAPAction) differs.
public enum APIVersion: String, Sendable, CaseIterable, Hashable {
    case v3 = "v3"
    case v3_1 = "v3.1"

    /// The namespace of every API element: `http://api.everbinding.nl/v3/` or `…/v3_1/`.
    public var namespace: String {
        switch self {
        case .v3: "http://api.everbinding.nl/v3/"
        case .v3_1: "http://api.everbinding.nl/v3_1/"
        }
    }

    /// The server path: `/soap/v3`, `/soap/v3.1`.
    public var path: String { "/soap/\(rawValue)" }

    public init?(namespace: String) {
        guard let version = APIVersion.allCases.first(where: { $0.namespace == namespace }) else { return nil }
        self = version
    }

    /// `http://api.everbinding.nl/v3_1/SendDocument`.
    public func soapAction(_ operation: Operation) -> String { namespace + operation.rawValue }
}

/// The 16 operations of the API, by their request element name.
public enum Operation: String, Sendable, CaseIterable, Hashable {
    case login = "Login"
    case getAccountDetails = "GetAccountDetails"
    case getAccountParties = "GetAccountParties"
    case getParties = "GetParties"
    case getParty = "GetParty"
    case sendDocument = "SendDocument"
    case getOutboxDocuments = "GetOutboxDocuments"
    case getOutboxDocument = "GetOutboxDocument"
    case getOutboxDocumentStatus = "GetOutboxDocumentStatus"
    case getInboxDocuments = "GetInboxDocuments"
    case getInboxDocument = "GetInboxDocument"
    case getInboxDocumentStatus = "GetInboxDocumentStatus"
    case setInboxDocumentStatus = "SetInboxDocumentStatus"
    case getDocuments = "GetDocuments"
    case getDocument = "GetDocument"
    case getDocumentPdf = "GetDocumentPdf"

    /// The response element; the WSDL spells one of them `GetAccountPartiesReponse`.
    public var responseElement: String {
        self == .getAccountParties ? "GetAccountPartiesReponse" : rawValue + "Response"
    }

    /// Login is the one operation called without the `Authentication` header.
    public var needsSecurityToken: Bool { self != .login }
}
