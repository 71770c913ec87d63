import Foundation

// The values the API answers with, in the WSDL's element order.

public struct WireAddress: Sendable, Equatable {
    public var streetName: String?
    public var houseNumber: String?
    public var postalCode: String?
    public var residence: String?
    public var countryCode: String?

    public init(
        streetName: String? = nil, houseNumber: String? = nil, postalCode: String? = nil, residence: String? = nil,
        countryCode: String? = nil
    ) {
        self.streetName = streetName
        self.houseNumber = houseNumber
        self.postalCode = postalCode
        self.residence = residence
        self.countryCode = countryCode
    }
}

/// A party: `Party`, `PartyDetails` (with the EConnectPartyId) or `PartyAccountDetails` (with the
/// account and the Peppol and verified flags), depending on the operation.
public struct WireParty: Sendable, Equatable {
    public var referenceID: String
    public var name: String
    public var chamberNumber: String?
    public var address: WireAddress?
    public var econnectPartyID: String
    public var accountID: String
    public var accountName: String
    public var isRegisteredToPeppol: Bool
    public var isVerified: Bool

    public init(
        referenceID: String, name: String, chamberNumber: String?, address: WireAddress?, econnectPartyID: String,
        accountID: String, accountName: String, isRegisteredToPeppol: Bool, isVerified: Bool
    ) {
        self.referenceID = referenceID
        self.name = name
        self.chamberNumber = chamberNumber
        self.address = address
        self.econnectPartyID = econnectPartyID
        self.accountID = accountID
        self.accountName = accountName
        self.isRegisteredToPeppol = isRegisteredToPeppol
        self.isVerified = isVerified
    }
}

public struct WireStatus: Sendable, Equatable {
    public var name: String
    public var code: String
    public init(name: String, code: String) {
        self.name = name
        self.code = code
    }
}

/// Who changed a status last, and when.
public struct WireStatusInfo: Sendable, Equatable {
    public var userID: String?
    public var userName: String?
    public var accountID: String?
    public var accountName: String?
    public var changedOn: Date

    public init(userID: String?, userName: String?, accountID: String?, accountName: String?, changedOn: Date) {
        self.userID = userID
        self.userName = userName
        self.accountID = accountID
        self.accountName = accountName
        self.changedOn = changedOn
    }
}

public struct WireTemplate: Sendable, Equatable {
    public var id: String
    public var name: String
    public var masterID: String
    public var masterName: String
    public init(id: String, name: String, masterID: String, masterName: String) {
        self.id = id
        self.name = name
        self.masterID = masterID
        self.masterName = masterName
    }
}

public enum DeliveryMethod: String, Sendable, Codable, CaseIterable {
    case toInbox = "ToInbox"
    case toPeppol = "ToPeppol"
    case toEmail = "ToEmail"
    case outboxOnly = "OutboxOnly"
    case none = "None"
}

/// An inbox or outbox document: metadata, and with `payload` the `DocumentDetails` form.
public struct WireDocument: Sendable, Equatable {
    public var externalID: String
    public var subject: String
    public var createdOn: Date
    public var modifiedOn: Date
    public var sender: (partyID: String, name: String)
    public var receiver: (partyID: String, name: String)?
    public var status: WireStatus
    public var statusInfo: WireStatusInfo
    public var template: WireTemplate
    public var messageID: String
    public var deliveryMethod: DeliveryMethod
    public var endpoint: String?
    public var senderReferenceID: String
    public var receiverReferenceID: String

    public init(
        externalID: String, subject: String, createdOn: Date, modifiedOn: Date, sender: (partyID: String, name: String),
        receiver: (partyID: String, name: String)?, status: WireStatus, statusInfo: WireStatusInfo,
        template: WireTemplate, messageID: String, deliveryMethod: DeliveryMethod, endpoint: String?,
        senderReferenceID: String, receiverReferenceID: String
    ) {
        self.externalID = externalID
        self.subject = subject
        self.createdOn = createdOn
        self.modifiedOn = modifiedOn
        self.sender = sender
        self.receiver = receiver
        self.status = status
        self.statusInfo = statusInfo
        self.template = template
        self.messageID = messageID
        self.deliveryMethod = deliveryMethod
        self.endpoint = endpoint
        self.senderReferenceID = senderReferenceID
        self.receiverReferenceID = receiverReferenceID
    }

    public static func == (lhs: WireDocument, rhs: WireDocument) -> Bool {
        lhs.externalID == rhs.externalID && lhs.modifiedOn == rhs.modifiedOn && lhs.status == rhs.status
    }
}

public struct WireAccount: Sendable, Equatable {
    public var id: String
    public var name: String
    public var description: String?
    public var emailAddress: String?
    public init(id: String, name: String, description: String?, emailAddress: String?) {
        self.id = id
        self.name = name
        self.description = description
        self.emailAddress = emailAddress
    }
}

/// The body of each answer.
public enum ResponseMessage: Sendable {
    case login(securityToken: String)
    case accountDetails(WireAccount)
    case accountParties([WireParty], nextPage: String?)
    case parties([WireParty], nextPage: String?)
    case party(WireParty)
    case sendDocument(externalID: String)
    case documents([WireDocument], nextPage: String?)
    /// A document with its payload (UBL without prolog) and the statuses its template allows.
    case document(WireDocument, payload: String, statuses: [WireStatus])
    case documentStatus(WireStatus, WireStatusInfo)
    case setInboxDocumentStatus(externalID: String)
    case documentPdf(fileName: String, contents: Data)

    /// The bytes a document's payload or a PDF's base64 take in the answer; 0 for the rest.
    var largeContentBytes: Int {
        switch self {
        case .document(_, let payload, _): payload.utf8.count
        case .documentPdf(_, let contents): (contents.count + 2) / 3 * 4
        default: 0
        }
    }
}
