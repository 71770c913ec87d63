import Crypto
import Foundation
import HardenedXML

/// An account's subscription; the API needs at least ``basic``.
public enum Subscription: String, Sendable, Codable, CaseIterable, Comparable {
    case free, basic, professional, enterprise

    public static func < (lhs: Subscription, rhs: Subscription) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }

    public var allowsAPI: Bool { self >= .basic }
}

public struct Account: Sendable, Codable, Equatable {
    /// `ACC…`.
    public var id: String
    public var name: String
    public var email: String
    public var subscription: Subscription
    public var createdOn: Date

    public init(id: String, name: String, email: String, subscription: Subscription, createdOn: Date) {
        self.id = id
        self.name = name
        self.email = email
        self.subscription = subscription
        self.createdOn = createdOn
    }
}

/// The platform-generated id of an organisation: `XC` + country + a number (`XCNL10001`).
public typealias BedrijfsID = String

public struct Organisation: Sendable, Codable, Equatable {
    public var partyID: BedrijfsID
    public var accountID: String
    public var name: String
    /// ISO 3166-1 alpha-2.
    public var country: String
    public var kvk: String?
    public var oin: String?
    public var vat: String?
    public var kbo: String?
    public var isVerified: Bool
    public var createdOn: Date

    /// The Peppol participant ids it is found by on the network (`0106:12345678`, `0190:…`,
    /// `9944:NL…` or `9925:BE…`, `0208:…`), while verified: an unverified organisation has none.
    public var peppolParticipantIDs: [String] {
        guard isVerified else { return [] }
        return [
            kvk.map { "0106:\($0)" }, oin.map { "0190:\($0)" },
            vat.map { ($0.uppercased().hasPrefix("BE") ? "9925:" : "9944:") + $0 }, kbo.map { "0208:\($0)" },
        ].compactMap { $0 }
    }

    /// The registry id the organisation is best known by (`NL:KVK:…`), or its Bedrijfs-ID.
    public var referenceID: String {
        if let kvk { return "NL:KVK:\(kvk)" }
        if let oin { return "NL:OINO:\(oin)" }
        if let kbo { return "BE:KBO:\(kbo)" }
        if let vat { return "\(country):VAT:\(vat)" }
        return partyID
    }

    public init(
        partyID: BedrijfsID, accountID: String, name: String, country: String, kvk: String? = nil,
        oin: String? = nil, vat: String? = nil, kbo: String? = nil, isVerified: Bool, createdOn: Date
    ) {
        self.partyID = partyID
        self.accountID = accountID
        self.name = name
        self.country = country
        self.kvk = kvk
        self.oin = oin
        self.vat = vat
        self.kbo = kbo
        self.isVerified = isVerified
        self.createdOn = createdOn
    }
}

public enum UserRole: String, Sendable, Codable {
    /// May create and revoke connection keys.
    case administrator
    case user
}

public struct User: Sendable, Codable, Equatable {
    public var id: String
    public var accountID: String
    public var email: String
    public var role: UserRole

    public init(id: String, accountID: String, email: String, role: UserRole) {
        self.id = id
        self.accountID = accountID
        self.email = email
        self.role = role
    }
}

/// An App Key and the hash of its Secret, acting for one organisation with the rights of the user
/// who created it.
public struct ConnectionKey: Sendable, Codable, Equatable {
    public var appKey: String
    public var partyID: BedrijfsID
    public var userID: String
    public var email: String
    public var createdOn: Date
    public var revokedOn: Date?

    public init(
        appKey: String, partyID: BedrijfsID, userID: String, email: String, createdOn: Date,
        revokedOn: Date? = nil
    ) {
        self.appKey = appKey
        self.partyID = partyID
        self.userID = userID
        self.email = email
        self.createdOn = createdOn
        self.revokedOn = revokedOn
    }
}

/// What a valid security token stands for.
public struct Session: Sendable, Equatable {
    public var appKey: String
    public var organisation: Organisation
    public var account: Account
    public var user: User

    /// The organisations these keys may act for.
    public var partyIDs: [BedrijfsID] { [organisation.partyID] }
}

/// A status of the Factuur template.
public struct DocumentStatus: Sendable, Codable, Equatable, Hashable {
    public var code: String
    public var name: String

    public init(code: String, name: String) {
        self.code = code
        self.name = name
    }

    public static let afgeleverd = DocumentStatus(code: "10", name: "Afgeleverd")
    public static let gelezen = DocumentStatus(code: "20", name: "Gelezen")
    public static let verwerkt = DocumentStatus(code: "30", name: "Verwerkt")
    public static let goedgekeurd = DocumentStatus(code: "40", name: "Goedgekeurd")
    public static let afgewezen = DocumentStatus(code: "50", name: "Afgewezen")

    // Set by the platform itself on a document for a receiver outside it, never by a receiver.
    /// Accepted and waiting for (another) delivery attempt.
    public static let inWachtrij = DocumentStatus(code: "5", name: "In wachtrij")
    /// Given up: the reason in the receiver's and sender's words, without the relay's details.
    public static func nietAfgeleverd(_ reason: String) -> DocumentStatus {
        DocumentStatus(code: "90", name: "Niet afgeleverd: \(reason)")
    }
}

/// A document template: Factuur for SI-UBL and Peppol BIS invoices and credit notes, and the
/// platform's own Factuurreactie.
public struct Template: Sendable, Equatable {
    public var id: String
    public var name: String
    public var masterID: String
    public var masterName: String
    public var statuses: [DocumentStatus]

    public static let factuur = Template(
        id: "GLDT9223370666504283001RA000000006DTP2000001", name: "Factuur",
        masterID: "GLDT9223370666504283001RA000000006DTP2000001", masterName: "Factuur",
        statuses: [.afgeleverd, .gelezen, .verwerkt, .goedgekeurd, .afgewezen])

    /// The platform's own, for the Invoice Responses it sends over Peppol when a receiver sets a
    /// status: in the outbox they are set apart from invoices. Nobody sends one through the API.
    public static let factuurreactie = Template(
        id: "GLDT9223370666504283001RA000000006DTP2000002", name: "Factuurreactie",
        masterID: "GLDT9223370666504283001RA000000006DTP2000002", masterName: "Factuurreactie", statuses: [.afgeleverd])

    /// A stored document's template.
    public static func named(id: String) -> Template? {
        [factuur, factuurreactie].first { id == $0.id || id == $0.masterID }
    }

    /// The template a sender may send a document with.
    public static func sendable(id: String) -> Template? {
        id == factuur.id || id == factuur.masterID ? factuur : nil
    }

    public func status(code: String) -> DocumentStatus? { statuses.first { $0.code == code } }
}

public enum DeliveryRoute: String, Sendable, Codable {
    case toInbox = "ToInbox"
    case toEmail = "ToEmail"
    /// To a participant on the Peppol network, through its access point (AS4); also a document
    /// that arrived from the Peppol network.
    case toPeppol = "ToPeppol"
}

/// Who changed a document's status last.
public struct StatusChange: Sendable, Codable, Equatable {
    public var status: DocumentStatus
    public var userID: String?
    public var userEmail: String?
    public var accountID: String?
    public var accountName: String?
    public var changedOn: Date
    /// Why, in the words of whoever set it: an Afgewezen says what is wrong with the invoice.
    public var reason: String?

    public init(
        status: DocumentStatus, userID: String? = nil, userEmail: String? = nil, accountID: String? = nil,
        accountName: String? = nil, changedOn: Date, reason: String? = nil
    ) {
        self.status = status
        self.userID = userID
        self.userEmail = userEmail
        self.accountID = accountID
        self.accountName = accountName
        self.changedOn = changedOn
        self.reason = reason
    }
}

/// A sent document: the sender's outbox entry and, when delivered to an organisation on the
/// platform, the receiver's inbox entry.
public struct StoredDocument: Sendable, Equatable {
    /// Order of arrival; paging runs on it.
    public var sequence: Int64
    /// The Delivery ID.
    public var externalID: String
    public var senderPartyID: BedrijfsID
    public var senderName: String
    public var receiverPartyID: BedrijfsID?
    public var receiverName: String?
    /// The receiver as the sender named it (`NL:KVK:…`).
    public var receiverReference: String
    public var receiverEmail: String?
    public var subject: String
    public var templateID: String
    public var createdOn: Date
    public var modifiedOn: Date
    public var status: StatusChange
    public var route: DeliveryRoute
    public var messageID: String
    public var revision: Int
    /// The UBL document exactly as the sender wrote it (no XML declaration); empty in the
    /// documents of a list, which leave payloads out.
    public var payload: String
    /// SHA-256 of `payload`'s bytes, lower-case hex: what sender and receiver compare.
    public var payloadSHA256: String
    /// For a document sent over Peppol: the receiver's participant id (`0106:12345678`).
    public var peppolReceiver: String?

    public init(
        sequence: Int64, externalID: String, senderPartyID: BedrijfsID, senderName: String,
        receiverPartyID: BedrijfsID?, receiverName: String?, receiverReference: String, receiverEmail: String?,
        subject: String, templateID: String, createdOn: Date, modifiedOn: Date, status: StatusChange,
        route: DeliveryRoute, messageID: String, revision: Int, payload: String, payloadSHA256: String,
        peppolReceiver: String? = nil
    ) {
        self.payloadSHA256 = payloadSHA256
        self.peppolReceiver = peppolReceiver
        self.sequence = sequence
        self.externalID = externalID
        self.senderPartyID = senderPartyID
        self.senderName = senderName
        self.receiverPartyID = receiverPartyID
        self.receiverName = receiverName
        self.receiverReference = receiverReference
        self.receiverEmail = receiverEmail
        self.subject = subject
        self.templateID = templateID
        self.createdOn = createdOn
        self.modifiedOn = modifiedOn
        self.status = status
        self.route = route
        self.messageID = messageID
        self.revision = revision
        self.payload = payload
    }
}

/// What `send` answers: enough for the sender, without reading the stored document back.
public struct SentDocument: Sendable, Equatable {
    /// The Delivery ID.
    public var externalID: String
    public var revision: Int
    public var route: DeliveryRoute
    public var status: StatusChange
    public var payloadSHA256: String
}

/// The SHA-256 that identifies a document's exact bytes, end to end.
public enum DocumentDigest {
    public static func sha256(_ text: String) -> String {
        SHA256.hash(data: Array(text.utf8)).lowercaseHex
    }
}

/// What a list call asks for.
public struct DocumentFilter: Sendable, Equatable {
    public var externalID: String?
    public var subject: String?
    public var createdFrom: Date?
    public var createdTo: Date?
    public var modifiedFrom: Date?
    public var modifiedTo: Date?
    public var sender: String?
    public var receiver: String?
    public var statusCode: String?
    public var templateID: String?

    public init() {}
}

public enum Mailbox: String, Sendable {
    case inbox, outbox
}

public struct DocumentPage: Sendable {
    public var documents: [StoredDocument]
    /// The token for the next page; nil on the last.
    public var nextPage: String?
}
