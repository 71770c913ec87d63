import Foundation

/// Where the platform keeps its state. ``SQLitePlatformStore`` is the embedded default; a
/// PostgreSQL implementation plugs in here for several platform instances on one database.
///
/// Every method is one transaction: when it returns, what it wrote is durable.
public protocol PlatformStore: Sendable {
    /// Creates the account and, in the same transaction, its e-mail as its first administrator.
    func insertAccount(name: String, email: String, subscription: Subscription, now: Date) async throws -> Account
    func account(id: String) async throws -> Account?
    func accounts() async throws -> [Account]
    /// Creates the organisation with the next free Bedrijfs-ID of its country. A registry number
    /// another organisation has is refused by the database's unique index, whichever instance
    /// registered it: `PlatformError.invalidInput` naming the column and the other organisation.
    func insertOrganisation(_ draft: OrganisationDraft, now: Date) async throws -> Organisation
    func organisation(partyID: String) async throws -> Organisation?
    /// Sets the organisation's name, registry numbers and verification (from `draft`; its account
    /// and country are not used); a number another verified organisation has is refused as by
    /// ``insertOrganisation(_:now:)``.
    /// Nil when there is no such organisation.
    func updateOrganisation(_ draft: OrganisationDraft, partyID: String) async throws -> Organisation?
    /// The verified organisation registered under a registry number (`kvk`, `oin`, `vat`, `kbo`);
    /// an unverified one is never found by number.
    func organisation(registry: RegistryColumn, value: String) async throws -> Organisation?
    func organisations(accountID: String) async throws -> [Organisation]
    func searchOrganisations(_ search: OrganisationSearch, after: String?, limit: Int) async throws -> [Organisation]
    /// The user with this e-mail (compared without case) in the account.
    func user(accountID: String, email: String) async throws -> User?
    func users(accountID: String) async throws -> [User]
    /// Adds a user; an e-mail the account already has (in any case) is refused by a unique index.
    func insertUser(accountID: String, email: String, role: UserRole) async throws -> User
    /// Removes the user and revokes the connection keys made with their rights, in one
    /// transaction; the account's last administrator cannot be removed. False when there was no
    /// such user.
    func deleteUser(accountID: String, email: String, now: Date) async throws -> Bool

    func insertConnectionKey(_ key: ConnectionKey, secretHash: [UInt8]) async throws
    /// A key with its secret's hash and everything a session needs, read together.
    func keyHolder(appKey: String) async throws -> KeyHolder?
    /// The organisation's keys, newest first, without their secrets' hashes.
    func connectionKeys(partyID: String) async throws -> [ConnectionKey]
    func revokeConnectionKey(appKey: String, now: Date) async throws -> Bool
    func insertSecurityToken(hash: [UInt8], appKey: String, expiresOn: Date) async throws
    /// When a token expires, and the holder of the key it was issued with (nil when the key's
    /// user, organisation or account is gone), read together: every API request asks this.
    func securityToken(hash: [UInt8]) async throws -> (expiresOn: Date, holder: KeyHolder?)?
    /// Deletes the tokens that expired before `now`; returns how many.
    func deleteExpiredSecurityTokens(now: Date) async throws -> Int

    /// Claims up to `limit` queued deliveries to outside receivers that are due at `now`, until
    /// `claimUntil`: no other worker gets them before that or before an outcome is recorded.
    func claimDueDeliveries(now: Date, claimUntil: Date, limit: Int) async throws -> [QueuedDelivery]
    /// Deliveries to outside receivers still queued (due or waiting for a retry).
    func queuedDeliveryCount() async throws -> Int
    /// Records the outcome of a delivery attempt, and the document's new status with it, in one
    /// transaction. An outcome for a revision that has since been replaced is ignored.
    func recordDelivery(_ delivery: QueuedDelivery, outcome: DeliveryOutcome) async throws

    /// Stores a new document, or a new revision of the one with the same sender and identity
    /// (invoice number, issue date, supplier), which keeps its ExternalId.
    func storeDocument(_ draft: DocumentDraft, now: Date) async throws -> (externalID: String, revision: Int)
    func document(externalID: String) async throws -> StoredDocument?
    /// A page of a mailbox, without the payloads (`payload` is empty; `document(externalID:)` has it).
    func documents(
        _ mailbox: Mailbox, partyID: String, filter: DocumentFilter, afterSequence: Int64, limit: Int
    )
        async throws -> [StoredDocument]
    func setStatus(externalID: String, change: StatusChange) async throws -> StoredDocument?
    /// Every status the document has had, oldest first, with the revision it was set on.
    func statusHistory(externalID: String) async throws -> [(revision: Int, change: StatusChange)]

    func peppolMessage(id: String) async throws -> PeppolMessageRecord?
    /// Stores a document that arrived over Peppol and the receipt answered for it, in one
    /// transaction, once per AS4 MessageId: for a MessageId received before nothing is stored and
    /// the first record is returned, so a resent message gets the same receipt and is delivered once.
    func storeReceivedDocument(_ draft: DocumentDraft, message: PeppolMessageRecord, now: Date) async throws -> PeppolMessageRecord
    /// The latest document `senderPartyID` sent over Peppol to `peppolReceiver` for invoice number
    /// `invoiceID`: what an Invoice Response from that receiver answers.
    func outboxDocument(senderPartyID: String, peppolReceiver: String, invoiceID: String) async throws -> StoredDocument?
    /// Keeps an Invoice Response's message and sets the status it carries (when it carries one)
    /// on the document it answers, in one transaction, once per AS4 MessageId; for a MessageId
    /// received before, nothing changes and the first record is returned.
    func recordInvoiceResponse(_ record: PeppolMessageRecord, change: StatusChange?) async throws -> PeppolMessageRecord

    // The portal's sign-in: password hashes (bcrypt) and sessions kept server-side, so several
    // instances on one database share them.

    /// Sets the user's password hash; nil removes the password (no sign-in).
    func setPasswordHash(userID: String, hash: String?) async throws
    /// The active users with this e-mail (compared without case), in any account, that have a
    /// password, with its hash.
    func passwordHolders(email: String) async throws -> [(user: User, hash: String)]
    func insertPortalSession(_ session: PortalSessionRecord) async throws
    /// The session and its user, while the user is active.
    func portalSession(idHash: [UInt8]) async throws -> (session: PortalSessionRecord, user: User)?
    func deletePortalSession(idHash: [UInt8]) async throws
    /// Ends every session of the user (after a password change, say).
    func deletePortalSessions(userID: String) async throws
    /// Deletes the sessions that expired before `now`; returns how many.
    func deleteExpiredPortalSessions(now: Date) async throws -> Int
}

/// A signed-in browser: the hash of the cookie's random id (the id itself is never stored), the
/// user, and the token every form of the session must carry.
public struct PortalSessionRecord: Sendable, Equatable {
    public var idHash: [UInt8]
    public var userID: String
    public var csrfToken: String
    public var createdOn: Date
    public var expiresOn: Date

    public init(idHash: [UInt8], userID: String, csrfToken: String, createdOn: Date, expiresOn: Date) {
        self.idHash = idHash
        self.userID = userID
        self.csrfToken = csrfToken
        self.createdOn = createdOn
        self.expiresOn = expiresOn
    }
}

/// An AS4 message sent or received, with its proof of delivery.
public struct PeppolMessageRecord: Sendable, Equatable {
    public enum Direction: String, Sendable {
        case sent, received
    }

    /// The AS4 MessageId.
    public var messageID: String
    public var direction: Direction
    public var externalID: String
    public var revision: Int
    /// The other side's participant id (the receiver of what was sent, the sender of what was received).
    public var participant: String
    /// The signed receipt: the one received for a message sent, the one answered for a message received.
    public var receipt: [UInt8]
    public var recordedOn: Date

    public init(
        messageID: String, direction: Direction, externalID: String, revision: Int, participant: String, receipt: [UInt8],
        recordedOn: Date
    ) {
        self.messageID = messageID
        self.direction = direction
        self.externalID = externalID
        self.revision = revision
        self.participant = participant
        self.receipt = receipt
        self.recordedOn = recordedOn
    }
}

/// A connection key and who holds it: its organisation, that organisation's account, and the user
/// whose rights it carries.
public struct KeyHolder: Sendable {
    public var key: ConnectionKey
    public var secretHash: [UInt8]
    public var organisation: Organisation
    public var account: Account
    public var user: User

    public init(key: ConnectionKey, secretHash: [UInt8], organisation: Organisation, account: Account, user: User) {
        self.key = key
        self.secretHash = secretHash
        self.organisation = organisation
        self.account = account
        self.user = user
    }
}

public enum RegistryColumn: String, Sendable, CaseIterable {
    case kvk, oin, vat, kbo

    /// The unique index that keeps the column's numbers apart, the same name on every engine.
    public var uniqueIndex: String { "organisation_\(rawValue)" }
}

public struct OrganisationDraft: Sendable {
    public var accountID: String
    public var name: String
    public var country: String
    public var kvk: String?
    public var oin: String?
    public var vat: String?
    public var kbo: String?
    public var isVerified: Bool

    public init(
        accountID: String, name: String, country: String, kvk: String? = nil, oin: String? = nil, vat: String? = nil,
        kbo: String? = nil, isVerified: Bool = true
    ) {
        self.accountID = accountID
        self.name = name
        self.country = country
        self.kvk = kvk
        self.oin = oin
        self.vat = vat
        self.kbo = kbo
        self.isVerified = isVerified
    }
}

public struct OrganisationSearch: Sendable, Equatable {
    public var partyID: String?
    public var name: String?
    public var chamberNumber: String?
    public var countryCode: String?
    public init(partyID: String? = nil, name: String? = nil, chamberNumber: String? = nil, countryCode: String? = nil) {
        self.partyID = partyID
        self.name = name
        self.chamberNumber = chamberNumber
        self.countryCode = countryCode
    }

    /// `name` as a SQL `LIKE` pattern for "contains", its `%`, `_` and `\` escaped with `\`
    /// (use `ESCAPE '\'`).
    public var nameContainsPattern: String? {
        name.map {
            "%"
                + $0.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
                .replacingOccurrences(of: "_", with: "\\_") + "%"
        }
    }
}

public struct DocumentDraft: Sendable {
    public var senderPartyID: String
    public var receiverPartyID: String?
    public var receiverReference: String
    public var receiverEmail: String?
    public var subject: String
    public var templateID: String
    public var route: DeliveryRoute
    /// Invoice number, issue date and supplier: a second send with the same identity is a revision.
    public var identity: String
    public var initialStatus: StatusChange
    /// The document exactly as the sender wrote it (UTF-8, no XML declaration).
    public var payload: String
    /// SHA-256 of `payload`'s bytes, lower-case hex.
    public var payloadSHA256: String
    /// For a receiver outside the platform: the document is queued for delivery, claimed by the
    /// sending instance until this time (it makes the first attempt itself).
    public var deliveryClaimedUntil: Date?
    /// For a document sent over Peppol: the receiver's participant id.
    public var peppolReceiver: String?
    /// For a document that arrived from outside the platform: the sender's name, as no
    /// organisation of the platform names it (`senderPartyID` is then its participant id).
    public var outsideSenderName: String?
    /// The invoice's or credit note's own number (`cbc:ID`); nil for an Invoice Response.
    public var invoiceID: String?

    public init(
        senderPartyID: String, receiverPartyID: String?, receiverReference: String, receiverEmail: String?,
        subject: String, templateID: String, route: DeliveryRoute, identity: String, initialStatus: StatusChange,
        payload: String, payloadSHA256: String, deliveryClaimedUntil: Date? = nil, peppolReceiver: String? = nil,
        outsideSenderName: String? = nil, invoiceID: String? = nil
    ) {
        self.invoiceID = invoiceID
        self.peppolReceiver = peppolReceiver
        self.outsideSenderName = outsideSenderName
        self.payloadSHA256 = payloadSHA256
        self.deliveryClaimedUntil = deliveryClaimedUntil
        self.senderPartyID = senderPartyID
        self.receiverPartyID = receiverPartyID
        self.receiverReference = receiverReference
        self.receiverEmail = receiverEmail
        self.subject = subject
        self.templateID = templateID
        self.route = route
        self.identity = identity
        self.initialStatus = initialStatus
        self.payload = payload
    }
}

/// A document waiting for (another) delivery attempt to a receiver outside the platform.
public struct QueuedDelivery: Sendable, Equatable {
    public var externalID: String
    public var revision: Int
    /// Attempts made so far.
    public var attempts: Int

    public init(externalID: String, revision: Int, attempts: Int) {
        self.externalID = externalID
        self.revision = revision
        self.attempts = attempts
    }
}

/// What became of a delivery attempt.
public enum DeliveryOutcome: Sendable, Equatable {
    /// Delivered; the document gets this status. A Peppol delivery's proof (the signed receipt)
    /// is kept in the same transaction: the status never claims more than a kept proof shows.
    case delivered(StatusChange, proof: PeppolMessageRecord?)
    /// Not delivered yet; tried again at `nextAttempt`.
    case retry(nextAttempt: Date, reason: String)
    /// Given up; the document gets this status.
    case failed(StatusChange, reason: String)
}
