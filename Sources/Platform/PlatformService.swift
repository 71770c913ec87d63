import Crypto
import EInvoice
import EInvoiceRules
import Foundation
import HardenedXML
import Logging
import Metrics

/// The access point: accounts and their organisations, connection keys and tokens, and documents
/// validated, routed and stored. Front ends (SOAP, REST, the command line) call this and nothing
/// below it.
public struct PlatformService: Sendable {
    public struct Configuration: Sendable {
        /// How long a security token from Login stays valid.
        public var tokenLifetime: TimeInterval
        /// Delivers documents to receivers outside the platform; without one, only platform
        /// organisations can be reached.
        public var mailer: (any DocumentMailer)?
        /// The Peppol network: receivers outside the platform are looked up there first, and
        /// reached through their access points.
        public var peppol: (any PeppolNetwork)?
        /// How many failed logins are answered before the caller must wait.
        public var loginLimits: LoginThrottle.Limits
        /// Failed logins and refusals are logged here (never a secret or a token).
        public var logger: Logger

        public init(
            tokenLifetime: TimeInterval = 4 * 3600, mailer: (any DocumentMailer)? = nil, peppol: (any PeppolNetwork)? = nil,
            loginLimits: LoginThrottle.Limits = .init(), logger: Logger = Logger(label: "efactuur.platform")
        ) {
            self.tokenLifetime = tokenLifetime
            self.mailer = mailer
            self.peppol = peppol
            self.loginLimits = loginLimits
            self.logger = logger
        }
    }

    /// Internal: front ends go through the service's methods, where the rules are.
    let store: any PlatformStore
    public let configuration: Configuration
    let clock: @Sendable () -> Date
    private let loginThrottle: LoginThrottle
    /// The portal's sign-ins, counted per e-mail address and per client address.
    let signInThrottle: LoginThrottle

    public init(store: any PlatformStore, configuration: Configuration = Configuration(), clock: @escaping @Sendable () -> Date = { Date() }) {
        self.store = store
        self.configuration = configuration
        self.clock = clock
        loginThrottle = LoginThrottle(limits: configuration.loginLimits)
        signInThrottle = LoginThrottle(limits: configuration.loginLimits)
    }

    // MARK: Administration

    public func createAccount(name: String, email: String, subscription: Subscription = .basic) async throws -> Account {
        guard !name.trimmed.isEmpty else { throw PlatformError.invalidInput(field: "name", reason: "is empty") }
        guard Self.looksLikeEmail(email.trimmed) else {
            throw PlatformError.invalidInput(field: "email", reason: "'\(email)' is not an e-mail address")
        }
        return try await store.insertAccount(name: name.trimmed, email: email.trimmed, subscription: subscription, now: clock())
    }

    /// Creates an organisation with a new Bedrijfs-ID. Registry numbers are checked (format and
    /// check digits) and must not belong to another organisation already (the store's unique
    /// indexes decide, whichever instance registered it).
    public func createOrganisation(
        accountID: String, name: String, country: String, kvk: String? = nil, oin: String? = nil, vat: String? = nil,
        kbo: String? = nil, isVerified: Bool = true
    ) async throws -> Organisation {
        guard try await store.account(id: accountID) != nil else { throw PlatformError.notFound(kind: "account", id: accountID) }
        let country = country.trimmed.uppercased()
        guard country.count == 2, country.allSatisfy({ $0.isASCII && $0.isLetter }) else {
            throw PlatformError.invalidInput(field: "country", reason: "'\(country)' is not an ISO 3166 two-letter code")
        }
        let checked = try Self.checkedRegistration(name: name, kvk: kvk, oin: oin, vat: vat, kbo: kbo)
        let draft = OrganisationDraft(
            accountID: accountID, name: checked.name, country: country, kvk: checked.kvk, oin: checked.oin, vat: checked.vat,
            kbo: checked.kbo, isVerified: isVerified)
        return try await store.insertOrganisation(draft, now: clock())
    }

    /// Changes an organisation's name and registry numbers, with the checks of a new one; its
    /// Bedrijfs-ID and country stay. New numbers make it unverified again: nobody is found by a
    /// number the operator has not checked. A number another verified organisation has is refused.
    public func updateOrganisation(
        partyID: String, name: String, kvk: String?, oin: String?, vat: String?, kbo: String?
    ) async throws -> Organisation {
        guard let current = try await store.organisation(partyID: partyID) else { throw PlatformError.notFound(kind: "organisation", id: partyID) }
        var checked = try Self.checkedRegistration(name: name, kvk: kvk, oin: oin, vat: vat, kbo: kbo)
        checked.isVerified =
            current.isVerified && checked.kvk == current.kvk && checked.oin == current.oin && checked.vat == current.vat
            && checked.kbo == current.kbo
        guard let updated = try await store.updateOrganisation(checked, partyID: partyID) else {
            throw PlatformError.notFound(kind: "organisation", id: partyID)
        }
        return updated
    }

    /// The operator has checked the organisation's registry numbers: it is found by them, and it
    /// may send. Refused when another verified organisation has one of its numbers.
    public func verifyOrganisation(partyID: String) async throws -> Organisation {
        guard let current = try await store.organisation(partyID: partyID) else { throw PlatformError.notFound(kind: "organisation", id: partyID) }
        let draft = OrganisationDraft(
            accountID: current.accountID, name: current.name, country: current.country, kvk: current.kvk, oin: current.oin,
            vat: current.vat, kbo: current.kbo, isVerified: true)
        guard let verified = try await store.updateOrganisation(draft, partyID: partyID) else {
            throw PlatformError.notFound(kind: "organisation", id: partyID)
        }
        return verified
    }

    /// A name and registry numbers checked (format and check digits) and in their stored form.
    static func checkedRegistration(name: String, kvk: String?, oin: String?, vat: String?, kbo: String?) throws -> OrganisationDraft {
        guard !name.trimmed.isEmpty else { throw PlatformError.invalidInput(field: "name", reason: "is empty") }
        func checked(_ value: String?, scheme: String, column: RegistryColumn) throws -> String? {
            guard let value = value?.trimmed, !value.isEmpty else { return nil }
            let identifier: PartyIdentifier
            do {
                identifier = try PartyIdentifier(scheme: scheme, value: value)
            } catch {
                throw PlatformError.invalidInput(field: column.rawValue, reason: error.message)
            }
            return identifier.value
        }
        return OrganisationDraft(
            accountID: "", name: name.trimmed, country: "",
            kvk: try checked(kvk, scheme: "0106", column: .kvk),
            oin: try checked(oin, scheme: "0190", column: .oin),
            vat: try checked(vat, scheme: vat?.uppercased().hasPrefix("BE") == true ? "9925" : "9944", column: .vat),
            kbo: try checked(kbo, scheme: "0208", column: .kbo))
    }

    /// A new connection key for the organisation, made by (and carrying the rights of) the
    /// account's user with `email`. The secret is returned once; only its hash is kept.
    public func createConnectionKey(partyID: String, email: String) async throws -> (key: ConnectionKey, secret: String) {
        guard let organisation = try await store.organisation(partyID: partyID) else {
            throw PlatformError.notFound(kind: "organisation", id: partyID)
        }
        guard Self.looksLikeEmail(email.trimmed) else {
            throw PlatformError.invalidInput(field: "email", reason: "'\(email)' is not an e-mail address")
        }
        guard let user = try await store.user(accountID: organisation.accountID, email: email.trimmed), user.role == .administrator
        else {
            throw PlatformError.invalidInput(
                field: "email", reason: "only an administrator of the account may create connection keys; '\(email.trimmed)' is not one")
        }
        let key = ConnectionKey(
            appKey: Secrets.hex(bytes: 16), partyID: partyID, userID: user.id, email: email.trimmed, createdOn: clock(),
            revokedOn: nil)
        let secret = Secrets.hex(bytes: 16)
        try await store.insertConnectionKey(key, secretHash: Secrets.hash(secret))
        return (key, secret)
    }

    /// The organisation's connection keys, newest first (never their secrets).
    public func connectionKeys(partyID: String) async throws -> [ConnectionKey] {
        guard try await store.organisation(partyID: partyID) != nil else { throw PlatformError.notFound(kind: "organisation", id: partyID) }
        return try await store.connectionKeys(partyID: partyID)
    }

    // MARK: Accounts and users

    public func accounts() async throws -> [Account] { try await store.accounts() }

    public func account(id: String) async throws -> Account {
        guard let account = try await store.account(id: id) else { throw PlatformError.notFound(kind: "account", id: id) }
        return account
    }

    public func organisations(accountID: String) async throws -> [Organisation] {
        _ = try await account(id: accountID)
        return try await store.organisations(accountID: accountID)
    }

    public func organisation(partyID: String) async throws -> Organisation {
        guard let organisation = try await store.organisation(partyID: partyID) else {
            throw PlatformError.notFound(kind: "organisation", id: partyID)
        }
        return organisation
    }

    public func users(accountID: String) async throws -> [User] {
        _ = try await account(id: accountID)
        return try await store.users(accountID: accountID)
    }

    /// Adds a user to the account; only administrators create keys and manage users.
    public func addUser(accountID: String, email: String, role: UserRole) async throws -> User {
        _ = try await account(id: accountID)
        let email = email.trimmed
        guard Self.looksLikeEmail(email) else {
            throw PlatformError.invalidInput(field: "email", reason: "'\(email)' is not an e-mail address")
        }
        return try await store.insertUser(accountID: accountID, email: email, role: role)
    }

    /// Removes a user and revokes the keys made with their rights; the last administrator stays.
    public func removeUser(accountID: String, email: String) async throws {
        _ = try await account(id: accountID)
        guard try await store.deleteUser(accountID: accountID, email: email.trimmed, now: clock()) else {
            throw PlatformError.notFound(kind: "user", id: email.trimmed)
        }
    }

    static func looksLikeEmail(_ text: String) -> Bool {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        return parts.count == 2 && !parts[0].isEmpty && !parts[1].isEmpty && !text.contains(where: \.isWhitespace)
    }

    /// Revokes a key and every token issued with it.
    public func revokeConnectionKey(appKey: String) async throws {
        guard try await store.revokeConnectionKey(appKey: appKey, now: clock()) else {
            throw PlatformError.notFound(kind: "active connection key", id: appKey)
        }
    }

    // MARK: Authentication

    /// Checks the key and secret and issues a random security token. `clientAddress` is where the
    /// login came from: failures are counted per key and per address, and past the limit a login
    /// is refused with the time to wait, without being checked.
    public func login(appKey: String, secret: String, clientAddress: String = "local") async throws -> String {
        let now = clock()
        if let wait = loginThrottle.admit(appKey: appKey, address: clientAddress, now: now) {
            configuration.logger.warning(
                "login refused: too many failures", metadata: ["appKey": "\(appKey.prefix(64))", "address": "\(clientAddress)"])
            throw PlatformError.tooManyFailedLogins(retryAfter: wait)
        }
        guard let holder = try await store.keyHolder(appKey: appKey),
            Secrets.constantTimeEqual(holder.secretHash, Secrets.hash(secret))
        else {
            configuration.logger.notice(
                "login failed",
                metadata: ["appKey": "\(appKey.prefix(64))", "address": "\(clientAddress)", "code": "\(PlatformError.invalidCredentials.code)"])
            throw PlatformError.invalidCredentials
        }
        loginThrottle.succeeded(appKey: appKey, address: clientAddress, now: now)
        _ = try session(for: holder)
        let token = Secrets.token()
        try await store.insertSecurityToken(
            hash: Secrets.hash(token), appKey: appKey, expiresOn: clock().addingTimeInterval(configuration.tokenLifetime))
        return token
    }

    /// Deletes the security tokens that have expired; `serve` does this on a schedule.
    @discardableResult
    public func purgeExpiredTokens() async throws -> Int {
        try await store.deleteExpiredSecurityTokens(now: clock())
    }

    /// What a token stands for; fails when it is unknown, expired or its key was revoked.
    public func session(token: String?) async throws -> Session {
        guard let token, !token.isEmpty, let (expiresOn, holder) = try await store.securityToken(hash: Secrets.hash(token))
        else { throw PlatformError.invalidCredentials }
        guard expiresOn > clock() else { throw PlatformError.tokenExpired }
        guard let holder else { throw PlatformError.invalidCredentials }
        return try session(for: holder)
    }

    private func session(for holder: KeyHolder) throws -> Session {
        guard holder.key.revokedOn == nil else { throw PlatformError.invalidCredentials }
        guard holder.account.subscription.allowsAPI else {
            throw PlatformError.subscriptionTooLow(holder.account.subscription)
        }
        return Session(appKey: holder.key.appKey, organisation: holder.organisation, account: holder.account, user: holder.user)
    }

    // MARK: Parties

    /// Finds an organisation by Bedrijfs-ID or registry id (`NL:KVK:…`, `0106:…`, `NL:OINO:…`, …).
    public func findOrganisation(reference: String) async throws -> Organisation? {
        let reference = reference.trimmed
        if reference.hasPrefix("XC") { return try await store.organisation(partyID: reference) }
        guard let identifier = try? PartyIdentifier(parsing: reference) else { return nil }
        return try await findOrganisation(identifier)
    }

    func findOrganisation(_ identifier: PartyIdentifier) async throws -> Organisation? {
        if identifier.isDummy { return nil }
        switch identifier {
        case .kvk(let value): return try await store.organisation(registry: .kvk, value: value)
        case .oin(let value): return try await store.organisation(registry: .oin, value: value)
        case .dutchVAT(let value), .belgianVAT(let value): return try await store.organisation(registry: .vat, value: value)
        case .belgianEnterprise(let value): return try await store.organisation(registry: .kbo, value: value)
        case .gln: return nil
        }
    }

    // MARK: Documents

    /// Validates the document with the rule set its CustomizationID names, finds the receiver and
    /// stores the document durably (a re-send of the same invoice becomes a revision) before
    /// returning its ExternalId. `payload` is kept and delivered exactly as it is, with its SHA-256;
    /// `document`, when given, is `payload` as the caller already read it for the validator (with
    /// the envelope it came in), so it is not read twice.
    ///
    /// A receiver outside the platform gets the document from ``deliverFirst(_:)``, which the
    /// caller calls next: in between it can let go of the request and its tree, so a large
    /// document is not held three times over while it travels.
    public func accept(
        _ session: Session, via: String, toReference: String, toEmail: String?, templateID: String,
        payload: String, document: Validator.ReadDocument? = nil
    ) async throws -> SentDocument {
        // Via must be an organisation these keys act for, and a verified one.
        guard session.partyIDs.contains(via), session.organisation.isVerified else {
            throw PlatformError.noRightToSendVia(via)
        }
        guard let template = Template.sendable(id: templateID) else { throw PlatformError.unknownTemplate(templateID) }
        let read = try await Self.readAndValidate(payload, document: document)
        let (invoice, sha256) = (read.head, read.sha256)
        // The receiver: the reference the sender gave, else the buyer's EndpointID.
        var receiver = try await findOrganisation(reference: toReference)
        if receiver == nil, let endpoint = invoice.buyer.endpointID, let scheme = endpoint.schemeID,
            let identifier = try? PartyIdentifier(scheme: scheme, value: endpoint.value),
            identifier != (try? PartyIdentifier(parsing: toReference.trimmed))  // asked just now
        {
            receiver = try await findOrganisation(identifier)
        }
        let route: DeliveryRoute
        var peppolReceiver: String?
        if receiver != nil {
            route = .toInbox
        } else if let peppol = configuration.peppol, let participant = Self.peppolParticipant(reference: toReference.trimmed, invoice: invoice),
            await peppol.reaches(participant, PeppolDocumentType(invoice))
        {
            // On Peppol the seller is the sender the network sees: it must be `via` itself.
            guard let endpoint = invoice.seller.endpointID, let scheme = endpoint.schemeID,
                let seller = try? PartyIdentifier(scheme: scheme, value: endpoint.value), try await findOrganisation(seller)?.partyID == via
            else {
                throw PlatformError.invalidInput(
                    field: "Payload", reason: "over Peppol the seller's EndpointID must be an identifier of the sending organisation \(via)")
            }
            route = .toPeppol
            peppolReceiver = participant
        } else if let email = toEmail?.trimmed, !email.isEmpty, configuration.mailer != nil {
            guard EmailAddress.isPlausible(email) else {
                throw PlatformError.invalidInput(field: "To/EmailAddress", reason: "'\(email)' is not an e-mail address")
            }
            route = .toEmail
        } else {
            throw PlatformError.receiverUnreachable(toReference)
        }
        let now = clock()
        let supplier =
            invoice.seller.endpointID?.description ?? invoice.seller.identifiers.first?.description
            ?? invoice.seller.displayName ?? ""
        let outside = route != .toInbox
        let status = StatusChange(
            status: outside ? .inWachtrij : .afgeleverd, userID: session.user.id, userEmail: session.user.email,
            accountID: session.account.id, accountName: session.account.name, changedOn: now)
        let draft = DocumentDraft(
            senderPartyID: via, receiverPartyID: receiver?.partyID, receiverReference: toReference.trimmed,
            receiverEmail: toEmail?.trimmed, subject: "\(template.name) \(invoice.id)", templateID: template.id,
            // The same invoice to the same receiver is a revision; to another receiver it is a new
            // document, so nothing a receiver has received is taken from them.
            route: route,
            identity:
                "\(invoice.id)|\(invoice.issueDate)|\(supplier)|\(receiver?.partyID ?? peppolReceiver.map { "peppol:" + $0 } ?? "mailto:" + (toEmail?.trimmed ?? ""))",
            initialStatus: status, payload: payload, payloadSHA256: sha256,
            deliveryClaimedUntil: outside ? now.addingTimeInterval(OutsideDelivery.claim) : nil, peppolReceiver: peppolReceiver,
            invoiceID: invoice.id)
        let commitStart = ContinuousClock.now
        let stored = try await store.storeDocument(draft, now: now)
        PlatformMeasures.storeCommit.record(ContinuousClock.now - commitStart)
        Counter(label: "efactuur_documents_stored_total", dimensions: [("route", route.rawValue)]).increment()
        return SentDocument(externalID: stored.externalID, revision: stored.revision, route: route, status: status, payloadSHA256: sha256)
    }

    /// The first attempt to deliver a document ``accept(_:via:toReference:toEmail:templateID:payload:document:)``
    /// queued for a receiver outside the platform (later ones are the delivery worker's); `sent`
    /// with the status it then has. Nothing to do for a document in a platform inbox.
    public func deliverFirst(_ sent: SentDocument) async throws -> SentDocument {
        guard sent.route != .toInbox, let document = try await store.document(externalID: sent.externalID) else { return sent }
        var sent = sent
        let delivery = QueuedDelivery(externalID: sent.externalID, revision: sent.revision, attempts: 0)
        if let change = try await attemptDelivery(delivery, of: document) { sent.status = change }
        return sent
    }

    /// `payload` as a tree.
    static func tree(of payload: String) throws(PlatformError) -> XMLElement {
        do throws(XMLReadError) {
            return try XMLReader().read(payload.utf8)
        } catch {
            throw .invalidPayload(error.message)
        }
    }

    struct ReadDocument {
        var head: InvoiceHead
        var sha256: String
    }

    /// Reads and validates a payload with the rule set its CustomizationID names; `document`, when
    /// given, is `payload` already read for the validator. This is the CPU-heavy part: for a large
    /// invoice it runs on the thread pool, not on the threads that serve every other request, so
    /// it never holds up a login or /health (``RequestWork``).
    /// (A struct, not a tuple: Swift 6.3 crashes on a tuple from a typed-throws closure here.)
    static func readAndValidate(_ payload: String, document: consuming Validator.ReadDocument? = nil) async throws -> ReadDocument {
        try await RequestWork.run(bytes: payload.utf8.count) { [document] () throws(PlatformError) -> ReadDocument in
            let validator = Validator()
            let read: Validator.ReadDocument
            if let document {
                read = document
            } else {
                do throws(XMLReadError) {
                    read = try validator.read(payload.utf8)
                } catch {
                    throw .invalidPayload(error.message)
                }
            }
            let root = read.rootElement(keepingChildren: [])
            guard root.namespace == UBLNamespace.invoice || root.namespace == UBLNamespace.creditNote else {
                throw .invalidPayload("the root element is {\(root.namespace)}\(root.name)")
            }
            let validationStart = ContinuousClock.now
            let report = validator.validate(read)
            PlatformMeasures.validation.record(ContinuousClock.now - validationStart)
            guard report.isValid else {
                throw .validationFailed(fatalRuleIDs: report.findings.filter { $0.flag == .fatal }.map(\.ruleID).uniqued())
            }
            // What routing reads (``UBLReader/readHead(_:)``), without a tree of the whole document;
            // made once the schema has allowed each of those elements at most once.
            let head = read.rootElement(keepingChildren: UBLReader.headElements)
            do throws(UBLReadError) {
                return ReadDocument(head: try UBLReader().readHead(head), sha256: DocumentDigest.sha256(payload))
            } catch {
                throw .invalidPayload(error.message)
            }
        }
    }

    // MARK: Deliveries outside the platform

    /// Delivers what is due in the outside-delivery queue (first attempts that failed, retries),
    /// a batch at a time; returns how many attempts were made. `serve` calls this every few seconds.
    @discardableResult
    public func deliverDueDocuments(limit: Int = 20) async throws -> Int {
        let now = clock()
        let due = try await store.claimDueDeliveries(
            now: now, claimUntil: now.addingTimeInterval(OutsideDelivery.claim), limit: limit)
        for delivery in due {
            guard let document = try await store.document(externalID: delivery.externalID) else { continue }
            _ = try await attemptDelivery(delivery, of: document)
        }
        return due.count
    }

    /// Counts the documents waiting for an outside delivery into `efactuur_outside_queue_depth`;
    /// the delivery worker calls it once per round, not per batch.
    public func recordOutsideQueueDepth() async throws {
        Gauge(label: "efactuur_outside_queue_depth").record(try await store.queuedDeliveryCount())
    }

    /// One attempt, its outcome recorded with the document's status; returns the new status when
    /// it changed. The relay's reply, host and port go to the log; the status says only what a
    /// sender needs to know.
    func attemptDelivery(_ delivery: QueuedDelivery, of document: StoredDocument) async throws -> StatusChange? {
        let outcome: DeliveryOutcome
        do {
            var proof: PeppolMessageRecord?
            switch document.route {
            case .toPeppol:
                guard let peppol = configuration.peppol, let participant = document.peppolReceiver else { return nil }
                let delivered = try await peppol.deliver(document, to: participant)
                proof = PeppolMessageRecord(
                    messageID: delivered.messageID, direction: .sent, externalID: document.externalID, revision: document.revision,
                    participant: participant, receipt: delivered.receipt, recordedOn: clock())
            case .toEmail:
                guard let mailer = configuration.mailer, let address = document.receiverEmail else { return nil }
                try await mailer.deliver(document, to: address, senderName: document.senderName)
            case .toInbox:
                return nil
            }
            outcome = .delivered(OutsideDelivery.change(.afgeleverd, at: clock()), proof: proof)
        } catch {
            let attempts = delivery.attempts + 1
            let failure = error as? any OutsideDeliveryFailure
            let reason =
                failure?.publicReason
                ?? (document.route == .toPeppol
                    ? "het Peppol-accesspoint van de ontvanger nam het document niet aan" : "de e-mail kon niet worden afgeleverd")
            configuration.logger.warning(
                "outside delivery failed",
                metadata: [
                    "externalId": "\(document.externalID)", "route": "\(document.route.rawValue)", "attempt": "\(attempts)",
                    "permanent": "\(failure?.isPermanent ?? false)", "error": "\(error)",
                ])
            if failure?.isPermanent == true || attempts >= OutsideDelivery.maxAttempts {
                outcome = .failed(OutsideDelivery.change(.nietAfgeleverd(reason), at: clock()), reason: reason)
            } else {
                outcome = .retry(nextAttempt: clock().addingTimeInterval(OutsideDelivery.delay(afterAttempt: attempts)), reason: reason)
            }
        }
        try await store.recordDelivery(delivery, outcome: outcome)
        let route = [("route", document.route.rawValue)]
        switch outcome {
        case .delivered: Counter(label: "efactuur_documents_delivered_total", dimensions: route).increment()
        case .retry: Counter(label: "efactuur_delivery_retries_total", dimensions: route).increment()
        case .failed: Counter(label: "efactuur_deliveries_failed_total", dimensions: route).increment()
        }
        switch outcome {
        case .delivered(let change, _), .failed(let change, _): return change
        case .retry: return nil
        }
    }

    /// One page of the inbox or outbox of `partyID` (the keys' own organisation when nil), in
    /// arrival order. The paging token is the position after the page's last document, so new
    /// documents never shift a page.
    public func documents(
        _ session: Session, _ mailbox: Mailbox, partyID: String?, filter: DocumentFilter, limit: Int, pageToken: String?
    ) async throws -> DocumentPage {
        let party = partyID ?? session.organisation.partyID
        guard session.partyIDs.contains(party) else { throw PlatformError.noRightToParty(party) }
        var after: Int64 = 0
        if let pageToken {
            guard let position = Int64(pageToken), position >= 0 else { throw PlatformError.invalidPagingToken(pageToken) }
            after = position
        }
        let rows = try await store.documents(mailbox, partyID: party, filter: filter, afterSequence: after, limit: limit + 1)
        let page = Array(rows.prefix(limit))
        return DocumentPage(documents: page, nextPage: rows.count > limit ? page.last.map { String($0.sequence) } : nil)
    }

    /// A document in the keys' inbox or outbox.
    public func document(_ session: Session, _ mailbox: Mailbox, externalID: String) async throws -> StoredDocument {
        guard let document = try await store.document(externalID: externalID) else {
            throw PlatformError.documentNotFound(externalID)
        }
        let owner = mailbox == .inbox ? document.receiverPartyID : document.senderPartyID
        guard let owner, session.partyIDs.contains(owner) else { throw PlatformError.documentNotFound(externalID) }
        return document
    }

    /// Every status a document in the keys' inbox or outbox has had, oldest first, with who set it.
    public func statusHistory(
        _ session: Session, _ mailbox: Mailbox, externalID: String
    ) async throws -> [(
        revision: Int, change: StatusChange
    )] {
        _ = try await document(session, mailbox, externalID: externalID)
        return try await store.statusHistory(externalID: externalID)
    }

    /// Sets the status of a received document; the sender sees it on its outbox document, with
    /// the reason when one is given (why an invoice is Afgewezen).
    /// `askedForReason`: the caller could give a reason (a person in the portal), so a status that
    /// needs one is refused without it; the SOAP API has no field for one.
    public func setInboxStatus(
        _ session: Session, externalID: String, code: String, reason: String? = nil, askedForReason: Bool = false
    ) async throws -> StoredDocument {
        let document = try await document(session, .inbox, externalID: externalID)
        guard let status = Template.named(id: document.templateID)?.status(code: code) else {
            throw PlatformError.invalidStatus(code)
        }
        let reason = try StatusReason.checked(reason)
        if askedForReason && reason == nil && StatusReason.isRequired(for: status) {
            throw PlatformError.invalidInput(field: "reason", reason: "say why with \(status.name) (the reason goes back to the sender)")
        }
        let change = StatusChange(
            status: status, userID: session.user.id, userEmail: session.user.email, accountID: session.account.id,
            accountName: session.account.name, changedOn: clock(), reason: reason)
        guard let updated = try await store.setStatus(externalID: externalID, change: change) else {
            throw PlatformError.documentNotFound(externalID)
        }
        do {
            try await queueInvoiceResponse(to: document, change: change)
        } catch {
            // The status stands; the sender's access point hears of it when a later status goes out.
            configuration.logger.error("could not queue the invoice response", metadata: ["externalId": "\(externalID)", "error": "\(error)"])
        }
        return updated
    }

    public func accountParties(_ session: Session) async throws -> [Organisation] {
        try await store.organisations(accountID: session.account.id).filter { session.partyIDs.contains($0.partyID) }
    }
}

/// The reason given with a status: what a person wrote, one short paragraph.
public enum StatusReason {
    static let maxLength = 500

    /// Whether a person setting `status` must say why: a rejected invoice goes back to its
    /// sender, who needs to know what to mend. (The SOAP API has no field for it.)
    static func isRequired(for status: DocumentStatus) -> Bool { status.code == DocumentStatus.afgewezen.code }

    /// Trimmed, nil when empty; refused when longer than ``maxLength`` characters or holding
    /// control characters other than line ends and tabs.
    static func checked(_ reason: String?) throws -> String? {
        guard let reason = reason?.trimmingCharacters(in: .whitespacesAndNewlines), !reason.isEmpty else { return nil }
        guard reason.count <= maxLength else {
            throw PlatformError.invalidInput(field: "reason", reason: "is longer than \(maxLength) characters")
        }
        guard !reason.unicodeScalars.contains(where: { ($0.value < 0x20 && !"\n\r\t".unicodeScalars.contains($0)) || $0.value == 0x7F }) else {
            throw PlatformError.invalidInput(field: "reason", reason: "holds control characters")
        }
        return reason
    }

    /// A reason another access point sent: kept, but never more than ``maxLength`` characters.
    static func received(_ reason: String?) -> String? {
        guard let reason = reason?.trimmingCharacters(in: .whitespacesAndNewlines), !reason.isEmpty else { return nil }
        let printable = String(String.UnicodeScalarView(reason.unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7F || $0 == "\n" }))
        return String(printable.prefix(maxLength))
    }
}

/// The shape check an address passes before it goes near an SMTP command line: one `@`, no white
/// space, control characters or angle brackets (so no command or header can be smuggled in).
enum EmailAddress {
    static func isPlausible(_ address: String) -> Bool {
        let parts = address.split(separator: "@", omittingEmptySubsequences: false)
        return address.utf8.count <= 254 && parts.count == 2 && !parts[0].isEmpty && parts[1].contains(".")
            && !address.unicodeScalars.contains {
                $0.properties.isWhitespace || $0.value < 0x20 || $0.value == 0x7F || "<>\"".unicodeScalars.contains($0)
            }
    }
}

/// Delivers a document by e-mail to a receiver outside the platform.
public protocol DocumentMailer: Sendable {
    func deliver(_ document: StoredDocument, to address: String, senderName: String) async throws
}

/// An error of a delivery that says whether trying again can help, and what the sender may read
/// of it (the relay's own words, host and port stay in the log).
public protocol OutsideDeliveryFailure: Error {
    var isPermanent: Bool { get }
    var publicReason: String { get }
}

/// The rules of the outside-delivery queue.
enum OutsideDelivery {
    /// How long an instance holds a delivery it is attempting.
    static let claim: TimeInterval = 300
    /// Attempts before giving up (about four hours with the delays below).
    static let maxAttempts = 9
    /// 1, 2, 4, … minutes after each failed attempt, at most an hour.
    static func delay(afterAttempt attempt: Int) -> TimeInterval {
        min(3_600, 60 * pow(2, Double(max(0, attempt - 1))))
    }

    static func change(_ status: DocumentStatus, at date: Date) -> StatusChange {
        StatusChange(status: status, userID: nil, userEmail: nil, accountID: nil, accountName: "efactuur", changedOn: date)
    }
}

/// Random keys and tokens, and the hashes that are all the store keeps of secrets and tokens.
public enum Secrets {
    /// `count` random bytes as lower-case hex.
    public static func hex(bytes count: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }.lowercaseHex
    }

    static func token() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return Data(bytes).base64EncodedString()
    }

    static func hash(_ text: String) -> [UInt8] { Array(SHA256.hash(data: Data(text.utf8))) }

    /// Equal or not, in a time that does not depend on where they differ.
    public static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in a.indices { difference |= a[index] ^ b[index] }
        return difference == 0
    }
}

extension String {
    var trimmed: String { trimmingXMLWhitespace }
}

extension Array where Element: Hashable {
    func uniqued() -> [Element] {
        var seen = Set<Element>()
        return filter { seen.insert($0).inserted }
    }
}

/// The platform's own timings, as Prometheus histograms where a metrics system is set up.
enum PlatformMeasures {
    static var validation: Metrics.Timer { Metrics.Timer(label: "efactuur_validation_duration_seconds") }
    static var storeCommit: Metrics.Timer { Metrics.Timer(label: "efactuur_store_commit_duration_seconds") }
}

extension Metrics.Timer {
    public func record(_ duration: Duration) {
        recordNanoseconds(duration.components.seconds * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000)
    }
}
