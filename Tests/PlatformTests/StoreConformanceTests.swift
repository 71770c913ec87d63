import EInvoiceTestSupport
import Foundation
import GRDB
import Logging
import Platform
import PlatformPostgres
import PlatformTestSupport
import PostgresNIO
import Synchronization
import Testing

/// One store contract, checked the same way on every engine: what the databases refuse, how
/// they say it, and what one transaction does. No HTTP: the stores and the service only.
@Suite("PlatformStore conformance on SQLite and PostgreSQL", .timeLimit(.minutes(10)))
struct StoreConformanceTests {
    enum Engine: String, CaseIterable, CustomTestStringConvertible, Sendable {
        case sqlite, postgres
        var testDescription: String { rawValue }
    }

    /// A fresh database of the engine; `instances` stores on it (several only for PostgreSQL,
    /// where several platform instances share one database; SQLite stores share the file).
    struct Fixture {
        var stores: [any PlatformStore]
        var store: any PlatformStore { stores[0] }
        var directory: URL?
        var postgresURL: String?

        static func make(_ engine: Engine, instances: Int = 1) async throws -> Fixture {
            switch engine {
            case .sqlite:
                let directory = TestFolder.root.appendingPathComponent("efactuur-store-\(UUID().uuidString)")
                try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
                let path = directory.appendingPathComponent("platform.sqlite").path
                return Fixture(stores: try (0..<instances).map { _ in try SQLitePlatformStore(path: path) }, directory: directory)
            case .postgres:
                let url = try await PostgresServer.shared().makeDatabase()
                var stores: [any PlatformStore] = []
                for _ in 0..<instances { stores.append(try await PostgresPlatformStore(url: url)) }
                return Fixture(stores: stores, postgresURL: url)
            }
        }

        func remove() {
            if let directory { try? FileManager.default.removeItem(at: directory) }
        }
    }

    static let now = Date(timeIntervalSince1970: 1_796_000_000)

    /// An account with one organisation, the sender of the document tests.
    static func sendingOrganisation(in store: any PlatformStore) async throws -> (account: Account, sender: Organisation) {
        let account = try await store.insertAccount(name: "A", email: "a@a.example", subscription: .basic, now: now)
        let sender = try await store.insertOrganisation(OrganisationDraft(accountID: account.id, name: "S", country: "NL"), now: now)
        return (account, sender)
    }

    /// A document from `sender` to an e-mail address, queued for delivery.
    static func emailDraft(from sender: Organisation, subject: String, identity: String, payload: String, claimedUntil: Date? = nil) -> DocumentDraft
    {
        DocumentDraft(
            senderPartyID: sender.partyID, receiverPartyID: nil, receiverReference: "x@example.org",
            receiverEmail: "x@example.org", subject: subject, templateID: "Factuur", route: .toEmail, identity: identity,
            initialStatus: StatusChange(status: .inWachtrij, changedOn: now), payload: payload,
            payloadSHA256: DocumentDigest.sha256(payload), deliveryClaimedUntil: claimedUntil)
    }

    @Test("An account's own e-mail is its first administrator", arguments: Engine.allCases)
    func accountAdministrator(engine: Engine) async throws {
        let fixture = try await Fixture.make(engine)
        defer { fixture.remove() }
        let account = try await fixture.store.insertAccount(name: "Lev", email: "Admin@Lev.example", subscription: .basic, now: Self.now)
        let users = try await fixture.store.users(accountID: account.id)
        #expect(users.map(\.email) == ["Admin@Lev.example"])
        #expect(users.map(\.role) == [.administrator])
        #expect(try await fixture.store.user(accountID: account.id, email: "admin@lev.EXAMPLE")?.id == users[0].id)
        #expect(try await fixture.store.accounts().map(\.id) == [account.id])

        // Through the service: the account's e-mail may create keys, anybody else may not.
        let service = PlatformService(store: fixture.store)
        let organisation = try await service.createOrganisation(accountID: account.id, name: "Lev", country: "NL")
        _ = try await service.createConnectionKey(partyID: organisation.partyID, email: "admin@lev.example")
        await #expect(throws: PlatformError.self) {
            try await service.createConnectionKey(partyID: organisation.partyID, email: "first.comer@lev.example")
        }
    }

    @Test("Registry numbers are unique, refused by the database with the column and the holder", arguments: Engine.allCases)
    func registryNumbersUnique(engine: Engine) async throws {
        let fixture = try await Fixture.make(engine)
        defer { fixture.remove() }
        let store = fixture.store
        let account = try await store.insertAccount(name: "A", email: "a@a.example", subscription: .basic, now: Self.now)
        let first = try await store.insertOrganisation(
            OrganisationDraft(
                accountID: account.id, name: "Eerste", country: "NL", kvk: "12345678", oin: "00000001003214321000",
                vat: "NL123456789B01", kbo: "0403170701"), now: Self.now)
        // Straight to the store, past every check of the service: the index refuses.
        for column in RegistryColumn.allCases {
            var draft = OrganisationDraft(accountID: account.id, name: "Tweede", country: "NL")
            switch column {
            case .kvk: draft.kvk = "12345678"
            case .oin: draft.oin = "00000001003214321000"
            case .vat: draft.vat = "NL123456789B01"
            case .kbo: draft.kbo = "0403170701"
            }
            do {
                _ = try await store.insertOrganisation(draft, now: Self.now)
                Issue.record("a second organisation got \(column.rawValue) \(draft[column]!)")
            } catch let error as PlatformError {
                #expect(error.code == .invalidInput, "\(error)")
                #expect(error.field == column.rawValue)
                #expect(error.subject.contains(first.partyID))
            }
        }
        // Organisations without numbers are not in each other's way.
        for name in ["Derde", "Vierde"] {
            _ = try await store.insertOrganisation(OrganisationDraft(accountID: account.id, name: name, country: "NL"), now: Self.now)
        }
        #expect(try await store.organisations(accountID: account.id).count == 3)

        // A change is held to the same indexes: a number another organisation has is refused and
        // nothing changes; a free one is taken.
        let third = try #require(try await store.organisations(accountID: account.id).first { $0.name == "Derde" })
        do {
            _ = try await store.updateOrganisation(
                OrganisationDraft(accountID: "", name: "Derde B.V.", country: "", kvk: "12345678"), partyID: third.partyID)
            Issue.record("a change took another organisation's KvK")
        } catch let error as PlatformError {
            #expect(error.code == .invalidInput && error.field == "kvk" && error.subject.contains(first.partyID), "\(error)")
        }
        #expect(try await store.organisation(partyID: third.partyID)?.name == "Derde")
        let changed = try await store.updateOrganisation(
            OrganisationDraft(accountID: "", name: "Derde B.V.", country: "", kvk: "87654321"), partyID: third.partyID)
        #expect(changed?.name == "Derde B.V." && changed?.kvk == "87654321" && changed?.partyID == third.partyID)
        #expect(try await store.updateOrganisation(OrganisationDraft(accountID: "", name: "X", country: ""), partyID: "XCNL99999") == nil)

        // An unverified organisation (made in the portal) is held to no index and found by no number:
        // nobody squats a company's KvK by typing it first. Verifying it is refused while the
        // verified holder has the number.
        let squatter = try await store.insertOrganisation(
            OrganisationDraft(accountID: account.id, name: "Kraker", country: "NL", kvk: "12345678", isVerified: false), now: Self.now)
        #expect(try await store.organisation(registry: .kvk, value: "12345678")?.partyID == first.partyID)
        do {
            _ = try await store.updateOrganisation(
                OrganisationDraft(accountID: "", name: "Kraker", country: "", kvk: "12345678", isVerified: true), partyID: squatter.partyID)
            Issue.record("a second organisation was verified with a KvK the first has")
        } catch let error as PlatformError {
            #expect(error.code == .invalidInput && error.field == "kvk", "\(error)")
        }
        #expect(try await store.organisation(partyID: squatter.partyID)?.isVerified == false)
    }

    @Test("The same KvK registered through several instances at once: exactly one gets it", arguments: Engine.allCases)
    func concurrentRegistration(engine: Engine) async throws {
        let fixture = try await Fixture.make(engine, instances: 2)
        defer { fixture.remove() }
        let services = fixture.stores.map { PlatformService(store: $0) }
        let account = try await services[0].createAccount(name: "A", email: "a@a.example")
        let outcomes = await withTaskGroup(of: Result<Organisation, any Error>.self) { group in
            for attempt in 0..<8 {
                group.addTask {
                    do {
                        return .success(
                            try await services[attempt % 2].createOrganisation(
                                accountID: account.id, name: "Poging \(attempt)", country: "NL", kvk: "12345678"))
                    } catch {
                        return .failure(error)
                    }
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        let winners = outcomes.compactMap { try? $0.get() }
        #expect(winners.count == 1)
        for case .failure(let error) in outcomes {
            #expect((error as? PlatformError)?.code == .invalidInput, "\(error)")
        }
        #expect(try await services[1].findOrganisation(reference: "NL:KVK:12345678")?.partyID == winners.first?.partyID)
    }

    @Test("Users: e-mails unique in any case, removal revokes their keys, the last administrator stays", arguments: Engine.allCases)
    func users(engine: Engine) async throws {
        let fixture = try await Fixture.make(engine)
        defer { fixture.remove() }
        let service = PlatformService(store: fixture.store)
        let account = try await service.createAccount(name: "A", email: "admin@a.example")
        let organisation = try await service.createOrganisation(accountID: account.id, name: "A", country: "NL")
        _ = try await service.addUser(accountID: account.id, email: "Boekhouder@A.example", role: .administrator)
        await #expect(throws: PlatformError.invalidInput(field: "email", reason: "'boekhouder@a.example' is already a user of this account")) {
            try await service.addUser(accountID: account.id, email: "boekhouder@a.example", role: .user)
        }
        await #expect(throws: PlatformError.self) { try await service.addUser(accountID: account.id, email: "geen adres", role: .user) }

        let (key, secret) = try await service.createConnectionKey(partyID: organisation.partyID, email: "boekhouder@a.example")
        let token = try await service.login(appKey: key.appKey, secret: secret)
        #expect(try await service.connectionKeys(partyID: organisation.partyID).map(\.appKey) == [key.appKey])

        try await service.removeUser(accountID: account.id, email: "BOEKHOUDER@a.example")
        #expect(try await service.users(accountID: account.id).map(\.email) == ["admin@a.example"])
        #expect(try await service.connectionKeys(partyID: organisation.partyID).first?.revokedOn != nil)
        #expect(try await fixture.store.keyHolder(appKey: key.appKey) == nil)  // no holder without a user
        await #expect(throws: PlatformError.self) { try await service.session(token: token) }
        await #expect(throws: PlatformError.self) { try await service.login(appKey: key.appKey, secret: secret) }

        await #expect(throws: PlatformError.self) { try await service.removeUser(accountID: account.id, email: "admin@a.example") }
        await #expect(throws: PlatformError.notFound(kind: "user", id: "nobody@a.example")) {
            try await service.removeUser(accountID: account.id, email: "nobody@a.example")
        }
        // Removed, the e-mail can be added again (the old row stays for the keys that name it).
        _ = try await service.addUser(accountID: account.id, email: "boekhouder@a.example", role: .user)
        #expect(try await service.users(accountID: account.id).count == 2)
    }

    @Test(
        "Portal sign-in: passwords, sessions shared by every instance, ended by sign-out, expiry, removal and a new password",
        arguments: Engine.allCases)
    func portalSessions(engine: Engine) async throws {
        let fixture = try await Fixture.make(engine, instances: 2)
        defer { fixture.remove() }
        let clock = TestClock()
        let first = PlatformService(store: fixture.stores[0], clock: { clock.read() })
        let second = PlatformService(store: fixture.stores[1], clock: { clock.read() })
        let (account, session) = try await first.signUp(
            accountName: "A", email: "Admin@A.example", password: "een-goed-wachtwoord", subscription: .basic)
        // The other instance knows the session: it is in the store, not in a process.
        let user = try await second.portalUser(sessionID: session)
        #expect(user.account.id == account.id && user.user.email == "Admin@A.example" && user.isAdministrator)
        #expect(user.csrfToken.count == 64)
        await #expect(throws: PlatformError.signInFailed) {
            try await second.signIn(email: "admin@a.example", password: "een-fout-wachtwoord", clientAddress: "a")
        }
        let again = try await second.signIn(email: "ADMIN@a.example", password: "een-goed-wachtwoord", clientAddress: "b")
        #expect(again != session)
        await #expect(throws: PlatformError.self) {
            try await first.signUp(accountName: "B", email: "b@b.example", password: "kort", subscription: .basic)
        }
        // One address signs in to one account: a second account with it is refused, in any case,
        // and so is a password with a NUL (bcrypt would stop there).
        await #expect(throws: PlatformError.invalidInput(field: "email", reason: "'ADMIN@a.example' already signs in to an account of this platform"))
        {
            try await second.signUp(accountName: "Kaper", email: "ADMIN@a.example", password: "een-goed-wachtwoord", subscription: .basic)
        }
        #expect(try await first.accounts().count == 1)
        await #expect(throws: PlatformError.self) {
            try await first.signUp(accountName: "N", email: "n@n.example", password: "\u{0}xxxxxxxxxxx", subscription: .basic)
        }

        try await first.signOut(sessionID: session)
        await #expect(throws: PlatformError.signInFailed) { try await second.portalUser(sessionID: session) }
        _ = try await second.portalUser(sessionID: again)

        // A new password ends every other session.
        let third = try await first.signIn(email: "admin@a.example", password: "een-goed-wachtwoord", clientAddress: "c")
        let afterChange = try await first.changePassword(
            try await first.portalUser(sessionID: third), current: "een-goed-wachtwoord", new: "een-nieuw-wachtwoord")
        for old in [again, third] { await #expect(throws: PlatformError.signInFailed) { try await second.portalUser(sessionID: old) } }
        _ = try await second.portalUser(sessionID: afterChange)

        // An invited user signs in; removed, their session is gone at once.
        let admin = try await first.portalUser(sessionID: afterChange)
        _ = try await first.inviteUser(admin, email: "boekhouder@a.example", role: .user, password: "eerste-wachtwoord")
        let member = try await second.signIn(email: "boekhouder@a.example", password: "eerste-wachtwoord", clientAddress: "d")
        let memberUser = try await first.portalUser(sessionID: member)
        #expect(!memberUser.isAdministrator)
        await #expect(throws: PlatformError.notAllowed("create connection keys")) {
            try await first.createConnectionKey(memberUser, partyID: "XCNL10001")
        }
        try await first.removeUser(admin, email: "boekhouder@a.example")
        await #expect(throws: PlatformError.signInFailed) { try await first.portalUser(sessionID: member) }

        // Sessions expire, and the purge removes them.
        clock.advance(PlatformService.portalSessionLifetime + 1)
        await #expect(throws: PlatformError.signInFailed) { try await first.portalUser(sessionID: afterChange) }
        #expect(try await first.purgeExpiredPortalSessions() >= 1)
    }

    @Test("Documents: a re-send is a revision, paging, status; tokens expire; claims are exclusive", arguments: Engine.allCases)
    func documentsAndQueues(engine: Engine) async throws {
        let fixture = try await Fixture.make(engine, instances: 2)
        defer { fixture.remove() }
        let store = fixture.store
        let (account, sender) = try await Self.sendingOrganisation(in: store)
        func draft(_ number: Int, claimed: Bool = false) -> DocumentDraft {
            Self.emailDraft(
                from: sender, subject: "F-\(number)", identity: "F-\(number)|2026-12-03|\(sender.partyID)",
                payload: "<Invoice>\(number)</Invoice>", claimedUntil: claimed ? Self.now : nil)
        }
        let first = try await store.storeDocument(draft(1, claimed: true), now: Self.now)
        let again = try await store.storeDocument(draft(1, claimed: true), now: Self.now.addingTimeInterval(1))
        #expect(again.externalID == first.externalID)
        #expect(again.revision == first.revision + 1)
        for number in 2...5 { _ = try await store.storeDocument(draft(number, claimed: true), now: Self.now) }
        let page = try await store.documents(.outbox, partyID: sender.partyID, filter: DocumentFilter(), afterSequence: 0, limit: 3)
        #expect(page.map(\.subject) == ["F-1", "F-2", "F-3"])
        let rest = try await store.documents(
            .outbox, partyID: sender.partyID, filter: DocumentFilter(), afterSequence: page.last!.sequence, limit: 10)
        #expect(rest.map(\.subject) == ["F-4", "F-5"])
        let changed = try await store.setStatus(
            externalID: first.externalID, change: StatusChange(status: .gelezen, changedOn: Self.now.addingTimeInterval(2)))
        #expect(changed?.status.status == .gelezen)
        // Every status it has had, each revision's first one included, kept by the database.
        let history = try await store.statusHistory(externalID: first.externalID)
        #expect(history.map { "\($0.revision) \($0.change.status.code)" } == ["1 5", "2 5", "2 20"])
        #expect(history.last?.change.changedOn == Self.now.addingTimeInterval(2))
        #expect(try await store.statusHistory(externalID: "XCNIN999999").isEmpty)
        // A reason is kept with its status, and a new revision starts without one.
        let rejected = try await store.setStatus(
            externalID: first.externalID,
            change: StatusChange(status: .afgewezen, changedOn: Self.now.addingTimeInterval(3), reason: "Geen ordernummer"))
        #expect(rejected?.status.reason == "Geen ordernummer")
        #expect(try await store.statusHistory(externalID: first.externalID).map(\.change.reason) == [nil, nil, nil, "Geen ordernummer"])
        let revised = try await store.storeDocument(draft(1, claimed: true), now: Self.now.addingTimeInterval(4))
        #expect(try await store.document(externalID: revised.externalID)?.status.reason == nil)
        #expect(try await store.statusHistory(externalID: first.externalID).last?.change.reason == nil)

        // Two workers claiming at once never get the same delivery.
        let claims = try await withThrowingTaskGroup(of: [QueuedDelivery].self) { group in
            for instance in fixture.stores {
                group.addTask {
                    try await instance.claimDueDeliveries(
                        now: Self.now.addingTimeInterval(60), claimUntil: Self.now.addingTimeInterval(120), limit: 10)
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        let claimed = claims.flatMap { $0 }.map(\.externalID)
        #expect(claimed.count == 5)
        #expect(Set(claimed).count == claimed.count)

        let key = ConnectionKey(
            appKey: "K1", partyID: sender.partyID, userID: try await store.users(accountID: account.id)[0].id,
            email: "a@a.example", createdOn: Self.now)
        try await store.insertConnectionKey(key, secretHash: [1, 2, 3])
        try await store.insertSecurityToken(hash: [9], appKey: "K1", expiresOn: Self.now)
        try await store.insertSecurityToken(hash: [8], appKey: "K1", expiresOn: Self.now.addingTimeInterval(3600))
        #expect(try await store.deleteExpiredSecurityTokens(now: Self.now.addingTimeInterval(1)) == 1)
        // A token comes with its key's holder, read at once.
        let token = try await store.securityToken(hash: [8])
        #expect(token?.expiresOn == Self.now.addingTimeInterval(3600))
        #expect(token?.holder?.key.appKey == "K1")
        #expect(token?.holder?.organisation.partyID == sender.partyID)
        #expect(token?.holder?.account.id == account.id)
        #expect(token?.holder?.secretHash == [1, 2, 3])
        #expect(token?.holder?.user.id == key.userID)
        #expect(token?.holder?.key.partyID == sender.partyID && token?.holder?.key.revokedOn == nil)
        #expect(try await store.securityToken(hash: [7]) == nil)
        // The key alone (a login) reads the same holder.
        let holder = try await store.keyHolder(appKey: "K1")
        #expect(holder?.key.appKey == "K1" && holder?.secretHash == [1, 2, 3] && holder?.user.id == key.userID)
        #expect(holder?.organisation.partyID == sender.partyID && holder?.account.id == account.id)
        #expect(try await store.keyHolder(appKey: "K2") == nil)
    }

    @Test("Reads by key and reads of whole documents at once, more than there are connections: every one answers", arguments: Engine.allCases)
    func concurrentReads(engine: Engine) async throws {
        let fixture = try await Fixture.make(engine)
        defer { fixture.remove() }
        let store = fixture.store
        let (_, sender) = try await Self.sendingOrganisation(in: store)
        let stored = try await store.storeDocument(
            Self.emailDraft(from: sender, subject: "F-1", identity: "F-1", payload: "<Invoice>1</Invoice>"), now: Self.now)
        // Reads that wait for each other forever would hold every thread of Swift's pool, timers
        // included: a thread of its own ends the process with the reason instead.
        let finished = Mutex(false)
        Thread {
            Thread.sleep(forTimeInterval: 120)
            if !finished.withLock({ $0 }) { fatalError("64 concurrent reads did not finish in 120 s: reads wait for each other") }
        }.start()
        defer { finished.withLock { $0 = true } }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for number in 0..<64 {
                group.addTask { () async throws in
                    if number.isMultiple(of: 2) {
                        let organisation = try await store.organisation(partyID: sender.partyID)
                        #expect(organisation?.partyID == sender.partyID)
                    } else {
                        let document = try await store.document(externalID: stored.externalID)
                        #expect(document?.payload == "<Invoice>1</Invoice>")
                    }
                }
            }
            try await group.waitForAll()
        }
    }

    @Test("Documents stored at once: each its own ExternalId, and re-sends of one invoice consecutive revisions", arguments: Engine.allCases)
    func concurrentDocuments(engine: Engine) async throws {
        let fixture = try await Fixture.make(engine)
        defer { fixture.remove() }
        let store = fixture.store
        let (_, sender) = try await Self.sendingOrganisation(in: store)
        func draft(_ identity: String, _ payload: String) -> DocumentDraft {
            Self.emailDraft(from: sender, subject: identity, identity: identity, payload: payload)
        }
        let stored = try await withThrowingTaskGroup(of: (number: Int, externalID: String, revision: Int).self) { group in
            for number in 0..<60 {
                // 40 invoices, and one more sent 20 times.
                let identity = number < 40 ? "F-\(number)" : "F-again"
                group.addTask {
                    let result = try await store.storeDocument(draft(identity, "<Invoice>\(number)</Invoice>"), now: Self.now)
                    return (number, result.externalID, result.revision)
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        let once = stored.filter { $0.number < 40 }
        let again = stored.filter { $0.number >= 40 }
        #expect(Set(once.map(\.externalID)).count == 40)
        #expect(once.allSatisfy { $0.revision == 1 })
        #expect(Set(again.map(\.externalID)).count == 1)
        #expect(!once.contains { $0.externalID == again[0].externalID })
        #expect(again.map(\.revision).sorted() == Array(1...20))
        // What each caller was told is what the database holds.
        for document in once {
            #expect(try await store.document(externalID: document.externalID)?.payload == "<Invoice>\(document.number)</Invoice>")
        }
        let last = try #require(again.max { $0.revision < $1.revision })
        #expect(try await store.document(externalID: last.externalID)?.payload == "<Invoice>\(last.number)</Invoice>")
    }

    @Test("Both engines have the same named indexes, unique where the contract says", arguments: Engine.allCases)
    func indexes(engine: Engine) async throws {
        let fixture = try await Fixture.make(engine)
        defer { fixture.remove() }
        let expectedUnique: Set<String> = [
            "organisation_kvk", "organisation_oin", "organisation_vat", "organisation_kbo", "organisation_country_number",
            "user_email", "document_identity",
        ]
        let expectedPlain: Set<String> = [
            "organisation_account", "security_token_key", "document_answered", "portal_session_user", "portal_session_expiry",
            "document_inbox_status", "document_outbox_status", "document_inbox_subject", "document_outbox_subject", "document_status_document",
            "document_outbox",
            "document_inbox", "document_inbox_created",
            "document_inbox_modified", "document_outbox_created", "document_outbox_modified", "outside_delivery_due",
            "peppol_message_document",
        ]
        var unique: Set<String> = []
        var plain: Set<String> = []
        switch engine {
        case .sqlite:
            let queue = try DatabaseQueue(path: fixture.directory!.appendingPathComponent("platform.sqlite").path)
            let rows = try queue.read { db in
                try Row.fetchAll(db, sql: "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL")
            }
            for row in rows {
                let name: String = row["name"]
                let sql: String = row["sql"]
                if sql.hasPrefix("CREATE UNIQUE") { unique.insert(name) } else { plain.insert(name) }
            }
        case .postgres:
            let client = PostgresClient(configuration: try PostgresPlatformStore.configuration(url: fixture.postgresURL!))
            let runner = Task { await client.run() }
            defer { runner.cancel() }
            let rows = try await client.query(
                "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'", logger: Logger(label: "test")
            ).collect()
            let constraints = Set(
                try await client.query("SELECT conname FROM pg_constraint", logger: Logger(label: "test")).collect()
                    .map { try $0.decode(String.self) })
            for row in rows {
                let (name, definition) = try row.decode((String, String).self)
                // Primary keys and inline UNIQUE constraints are named by PostgreSQL, not by us
                // (SQLite's are unnamed); the one SQLite names is mapped to its name there.
                let names = ["platform_user_email": "user_email", "organisation_country_number_key": "organisation_country_number"]
                guard names[name] != nil || !constraints.contains(name) else { continue }
                let ours = names[name] ?? name
                if definition.hasPrefix("CREATE UNIQUE") { unique.insert(ours) } else { plain.insert(ours) }
            }
        }
        #expect(unique == expectedUnique)
        #expect(plain == expectedPlain)
    }
}
