import Foundation
import Logging
import NIOSSL
import Platform
import PostgresNIO
import ServiceLifecycle

/// The platform's state in PostgreSQL, through PostgresNIO, so that several platform instances can
/// serve from one database.
///
/// What holds across instances:
/// - Documents are numbered by one sequence and inserted under a transaction-level advisory lock,
///   so they commit in the order of their numbers: a lister paging by number never passes over a
///   document that commits later with a smaller one.
/// - Bedrijfs-IDs are taken under a lock on the organisation table, and the first user of an
///   account is created under a lock on the account row.
/// - A second send of the same invoice racing the first becomes its revision (the unique
///   sender + identity index decides, and the loser retries as a revision).
///
/// Durability: PostgreSQL's own — a commit is flushed to its WAL before the call returns.
public final class PostgresPlatformStore: PlatformStore, Service {
    private let client: PostgresClient
    private let runner: Task<Void, Never>
    private let logger: Logger

    /// Connects (the client runs until the store is released) and creates or updates the schema.
    /// The client keeps trying to connect, so a server that cannot be reached, refuses the login
    /// or lacks the TLS the URL demands would make this wait for ever: when no first query is
    /// answered within `connectTimeout`, it gives up with ``PlatformStoreError/Code/unreachable``.
    /// (The migration itself has no time limit.)
    public init(
        configuration: PostgresClient.Configuration, connectTimeout: Duration = .seconds(30),
        logger: Logger = Logger(label: "efactuur.platform.postgres")
    ) async throws {
        let client = PostgresClient(configuration: configuration)
        self.client = client
        self.logger = logger
        runner = Task { await client.run() }
        do {
            let answered = try await withThrowingTaskGroup(of: Bool.self) { group in
                group.addTask {
                    _ = try await client.query("SELECT 1", logger: logger).collect()
                    return true
                }
                group.addTask {
                    try await Task.sleep(for: connectTimeout)
                    return false
                }
                defer { group.cancelAll() }
                return try await group.next()!
            }
            guard answered else {
                throw PlatformStoreError.unreachable(
                    host: configuration.host ?? "?", port: configuration.port ?? 5432,
                    seconds: Int(connectTimeout.components.seconds))
            }
            try await migrate()
        } catch {
            runner.cancel()
            throw error
        }
    }

    /// `postgres://user:password@host:port/database[?sslmode=…&sslrootcert=FILE]`.
    public convenience init(url: String, connectTimeout: Duration = .seconds(30)) async throws {
        try await self.init(configuration: try Self.configuration(url: url), connectTimeout: connectTimeout)
    }

    /// The client configuration a URL asks for. TLS as libpq's `sslmode` says: `disable` (the
    /// default here: a database on the same host or a private network), `prefer` and `require`
    /// (encrypted, the server's certificate not checked), `verify-ca` (checked against
    /// `sslrootcert`, or the system's roots) and `verify-full` (the host name too).
    public static func configuration(url: String) throws -> PostgresClient.Configuration {
        guard let components = URLComponents(string: url), components.scheme == "postgres" || components.scheme == "postgresql",
            let host = components.host, let user = components.user
        else { throw PlatformStoreError.invalidURL }
        let database = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        let query = Dictionary((components.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { $1 })
        var tlsConfiguration = TLSConfiguration.makeClientConfiguration()
        if let roots = query["sslrootcert"], !roots.isEmpty { tlsConfiguration.trustRoots = .file(roots) }
        let tls: PostgresClient.Configuration.TLS
        switch query["sslmode"] ?? "disable" {
        case "disable":
            tls = .disable
        case "prefer", "allow":
            tlsConfiguration.certificateVerification = .none
            tls = .prefer(tlsConfiguration)
        case "require":
            tlsConfiguration.certificateVerification = .none
            tls = .require(tlsConfiguration)
        case "verify-ca":
            tlsConfiguration.certificateVerification = .noHostnameVerification
            tls = .require(tlsConfiguration)
        case "verify-full":
            tlsConfiguration.certificateVerification = .fullVerification
            tls = .require(tlsConfiguration)
        case let mode:
            throw PlatformStoreError.invalidTLSMode(mode)
        }
        return .init(
            host: host, port: components.port ?? 5432, username: user, password: components.password,
            database: database.isEmpty ? nil : database, tls: tls)
    }

    deinit { runner.cancel() }

    /// As a service of `serve`'s group (added before the HTTP server, so stopped after it): on
    /// graceful shutdown the client closes its connections once the requests have drained.
    public func run() async throws {
        try? await gracefulShutdown()
        runner.cancel()
        await runner.value
    }

    // MARK: Schema

    /// Named as the SQLite store names its migrations (the first one here is SQLite's v1 and v2).
    static let migrations: [(name: String, script: String)] = [
        (
            "v1",
            """
            CREATE TABLE account (
                id TEXT PRIMARY KEY, name TEXT NOT NULL, email TEXT NOT NULL,
                subscription TEXT NOT NULL, created_on DOUBLE PRECISION NOT NULL);
            CREATE SEQUENCE account_number;
            CREATE TABLE organisation (
                party_id TEXT PRIMARY KEY, account_id TEXT NOT NULL REFERENCES account(id),
                name TEXT NOT NULL, country TEXT NOT NULL, number INTEGER NOT NULL,
                kvk TEXT, oin TEXT, vat TEXT, kbo TEXT,
                verified BOOLEAN NOT NULL, created_on DOUBLE PRECISION NOT NULL, UNIQUE (country, number));
            CREATE INDEX organisation_account ON organisation(account_id);
            CREATE INDEX organisation_kvk ON organisation(kvk);
            CREATE INDEX organisation_oin ON organisation(oin);
            CREATE INDEX organisation_vat ON organisation(vat);
            CREATE INDEX organisation_kbo ON organisation(kbo);
            CREATE TABLE platform_user (
                id TEXT PRIMARY KEY, account_id TEXT NOT NULL REFERENCES account(id),
                email TEXT NOT NULL, role TEXT NOT NULL);
            CREATE UNIQUE INDEX platform_user_email ON platform_user(account_id, lower(email));
            CREATE TABLE connection_key (
                app_key TEXT PRIMARY KEY, secret_hash BYTEA NOT NULL,
                party_id TEXT NOT NULL REFERENCES organisation(party_id),
                user_id TEXT NOT NULL REFERENCES platform_user(id), email TEXT NOT NULL,
                created_on DOUBLE PRECISION NOT NULL, revoked_on DOUBLE PRECISION);
            CREATE TABLE security_token (
                token_hash BYTEA PRIMARY KEY, app_key TEXT NOT NULL REFERENCES connection_key(app_key),
                expires_on DOUBLE PRECISION NOT NULL);
            CREATE INDEX security_token_key ON security_token(app_key);
            CREATE SEQUENCE document_seq;
            CREATE TABLE document (
                seq BIGINT PRIMARY KEY, external_id TEXT NOT NULL UNIQUE,
                sender_party TEXT NOT NULL REFERENCES organisation(party_id), receiver_party TEXT,
                receiver_reference TEXT NOT NULL, receiver_email TEXT, subject TEXT NOT NULL, template_id TEXT NOT NULL,
                created_on DOUBLE PRECISION NOT NULL, modified_on DOUBLE PRECISION NOT NULL,
                status_code TEXT NOT NULL, status_name TEXT NOT NULL, status_user_id TEXT,
                status_user_email TEXT, status_account_id TEXT, status_account_name TEXT,
                status_changed_on DOUBLE PRECISION NOT NULL, route TEXT NOT NULL, message_id TEXT NOT NULL,
                identity TEXT NOT NULL, revision INTEGER NOT NULL, payload TEXT NOT NULL);
            \(StoreContract.documentIndexes)
            CREATE TABLE document_revision (
                external_id TEXT NOT NULL, revision INTEGER NOT NULL, payload TEXT NOT NULL,
                created_on DOUBLE PRECISION NOT NULL, PRIMARY KEY (external_id, revision));
            """
        ),
        // Deliveries to receivers outside the platform: queued until delivered or given up.
        (
            "v3: outside delivery queue",
            """
            CREATE TABLE outside_delivery (
                external_id TEXT PRIMARY KEY REFERENCES document(external_id), revision INTEGER NOT NULL,
                state TEXT NOT NULL, attempts INTEGER NOT NULL, next_attempt_on DOUBLE PRECISION NOT NULL, reason TEXT);
            CREATE INDEX outside_delivery_due ON outside_delivery(state, next_attempt_on);
            """
        ),
        // The SHA-256 of every payload, so sender and receiver can prove they hold the same bytes.
        (
            "v4: payload digests",
            """
            ALTER TABLE document ADD COLUMN payload_sha256 TEXT NOT NULL DEFAULT '';
            ALTER TABLE document_revision ADD COLUMN payload_sha256 TEXT NOT NULL DEFAULT '';
            UPDATE document SET payload_sha256 = encode(sha256(convert_to(payload, 'UTF8')), 'hex');
            UPDATE document_revision SET payload_sha256 = encode(sha256(convert_to(payload, 'UTF8')), 'hex')
            """
        ),
        // Peppol: a document from outside the platform names its sender (its participant id, no
        // organisation of ours); a document sent over Peppol names its receiver's participant id;
        // every AS4 exchange keeps its signed receipt.
        (
            "v5: peppol",
            """
            ALTER TABLE document DROP CONSTRAINT document_sender_party_fkey;
            ALTER TABLE document ADD COLUMN outside_sender_name TEXT;
            ALTER TABLE document ADD COLUMN peppol_receiver TEXT;
            CREATE TABLE peppol_message (
                message_id TEXT PRIMARY KEY, direction TEXT NOT NULL,
                external_id TEXT NOT NULL REFERENCES document(external_id), revision INTEGER NOT NULL,
                participant TEXT NOT NULL, receipt BYTEA NOT NULL, recorded_on DOUBLE PRECISION NOT NULL);
            CREATE INDEX peppol_message_document ON peppol_message(external_id)
            """
        ),
        // Registry numbers unique (the duplicates check runs first, in `migrate`); users can be
        // removed and added again; every account's own e-mail is its first administrator.
        (
            "v6: one store contract",
            """
            \(StoreContract.uniqueRegistryIndexes)
            ALTER TABLE platform_user ADD COLUMN removed_on DOUBLE PRECISION;
            DROP INDEX platform_user_email;
            CREATE UNIQUE INDEX platform_user_email ON platform_user(account_id, lower(email)) WHERE removed_on IS NULL;
            INSERT INTO platform_user (id, account_id, email, role)
                SELECT 'USR' || substr(md5(random()::text || id), 1, 16), id, email, 'administrator' FROM account
                WHERE NOT EXISTS (SELECT 1 FROM platform_user u WHERE u.account_id = account.id
                                  AND lower(u.email) = lower(account.email) AND u.removed_on IS NULL)
            """
        ),
        // A document keeps its own number, so an Invoice Response finds its invoice exactly.
        ("v7: invoice numbers", StoreContract.invoiceIDColumn.replacingOccurrences(of: "instr(identity, '|')", with: "strpos(identity, '|')")),
        ("v8: portal", StoreContract.portal(userTable: "platform_user", bytes: "BYTEA", time: "DOUBLE PRECISION")),
        ("v9: status history", StoreContract.postgresStatusHistory),
        ("v10: verified registrations", StoreContract.verifiedRegistryIndexes(verifiedIs: "verified")),
        ("v11: status reasons", StoreContract.postgresStatusReason),
    ]

    /// Applies the migrations not yet applied, one instance at a time (an advisory lock).
    private func migrate() async throws {
        try await transaction { connection in
            try await connection.query("SELECT pg_advisory_xact_lock(7212001)", logger: logger)
            try await connection.query(
                "CREATE TABLE IF NOT EXISTS efactuur_migration (version INTEGER PRIMARY KEY)", logger: logger)
            try await connection.query("ALTER TABLE efactuur_migration ADD COLUMN IF NOT EXISTS name TEXT", logger: logger)
            let applied =
                try await connection.query("SELECT COALESCE(MAX(version), 0) FROM efactuur_migration", logger: logger)
                .collect().first?.decode(Int.self) ?? 0
            for (index, migration) in Self.migrations.enumerated() where index + 1 > applied {
                if migration.name == "v6: one store contract" {
                    let rows = try await connection.query(
                        "SELECT party_id, kvk, oin, vat, kbo FROM organisation ORDER BY number", logger: logger
                    ).collect()
                    try StoreContract.refuseDuplicateRegistrations(
                        try rows.map { row in
                            let (partyID, kvk, oin, vat, kbo) = try row.decode((String, String?, String?, String?, String?).self)
                            return StoreContract.Registration(partyID: partyID, kvk: kvk, oin: oin, vat: vat, kbo: kbo)
                        })
                }
                // One statement per call: the extended query protocol takes no more.
                for statement in Self.statements(migration.script) {
                    try await connection.query(PostgresQuery(unsafeSQL: String(statement)), logger: logger)
                }
                try await connection.query(
                    "INSERT INTO efactuur_migration (version, name) VALUES (\(index + 1), \(migration.name))", logger: logger)
            }
            // Versions applied before migrations had names get theirs.
            for (index, migration) in Self.migrations.enumerated() where index + 1 <= applied {
                try await connection.query(
                    "UPDATE efactuur_migration SET name = \(migration.name) WHERE version = \(index + 1) AND name IS NULL",
                    logger: logger)
            }
        }
    }

    /// A script's statements: split at `;`, except inside a `$$ … $$` function body.
    static func statements(_ script: String) -> [String] {
        var statements: [String] = []
        var current = ""
        var inBody = false
        var previous: Character = " "
        for character in script {
            if character == "$" && previous == "$" { inBody.toggle() }
            if character == ";" && !inBody {
                if !current.allSatisfy(\.isWhitespace) { statements.append(current) }
                current = ""
            } else {
                current.append(character)
            }
            previous = character
        }
        if !current.allSatisfy(\.isWhitespace) { statements.append(current) }
        return statements
    }

    // MARK: Accounts, organisations, users

    public func insertAccount(name: String, email: String, subscription: Subscription, now: Date) async throws -> Account {
        let number = try await client.query("SELECT nextval('account_number')", logger: logger).collect()[0].decode(Int.self)
        let account = Account(id: "ACC\(100000 + number)", name: name, email: email, subscription: subscription, createdOn: now)
        try await transaction { connection in
            try await connection.query(
                """
                INSERT INTO account (id, name, email, subscription, created_on)
                VALUES (\(account.id), \(name), \(email), \(subscription.rawValue), \(now.timeIntervalSince1970))
                """, logger: logger)
            _ = try await Self.insertUser(connection, User.new(accountID: account.id, email: email, role: .administrator), logger: logger)
        }
        return account
    }

    public func accounts() async throws -> [Account] {
        try await client.query("SELECT * FROM account ORDER BY id", logger: logger).collect().map { try Self.account($0) }
    }

    public func account(id: String) async throws -> Account? {
        try await client.query("SELECT * FROM account WHERE id = \(id)", logger: logger).collect().first.map { try Self.account($0) }
    }

    public func insertOrganisation(_ draft: OrganisationDraft, now: Date) async throws -> Organisation {
        do {
            return try await transaction { connection in
                try await connection.query("LOCK TABLE organisation IN SHARE ROW EXCLUSIVE MODE", logger: logger)
                let highest = try await connection.query(
                    "SELECT MAX(number) FROM organisation WHERE country = \(draft.country)", logger: logger
                ).collect().first?.decode(Int?.self)
                let number = highest.map { $0 + 1 } ?? 10001
                let organisation = Organisation(
                    partyID: "XC\(draft.country)\(number)", accountID: draft.accountID, name: draft.name, country: draft.country,
                    kvk: draft.kvk, oin: draft.oin, vat: draft.vat, kbo: draft.kbo, isVerified: draft.isVerified, createdOn: now)
                try await connection.query(
                    """
                    INSERT INTO organisation (party_id, account_id, name, country, number, kvk, oin, vat, kbo, verified, created_on)
                    VALUES (\(organisation.partyID), \(draft.accountID), \(draft.name), \(draft.country), \(number), \(draft.kvk),
                            \(draft.oin), \(draft.vat), \(draft.kbo), \(draft.isVerified), \(now.timeIntervalSince1970))
                    """, logger: logger)
                return organisation
            }
        } catch let error where Self.isUniqueViolation(error) {
            throw try await registryRefusal(error, draft)
        }
    }

    public func updateOrganisation(_ draft: OrganisationDraft, partyID: String) async throws -> Organisation? {
        do {
            return try await client.query(
                """
                UPDATE organisation SET name = \(draft.name), kvk = \(draft.kvk), oin = \(draft.oin), vat = \(draft.vat), kbo = \(draft.kbo),
                    verified = \(draft.isVerified)
                WHERE party_id = \(partyID) RETURNING *
                """, logger: logger
            ).collect().first.map(Self.organisation)
        } catch let error where Self.isUniqueViolation(error) {
            throw try await registryRefusal(error, draft)
        }
    }

    /// A registry number's unique index refused `draft`: the contract's refusal, naming the column
    /// (by the index PostgreSQL names) and the verified organisation that holds the number.
    private func registryRefusal(_ error: any Error, _ draft: OrganisationDraft) async throws -> any Error {
        let index = Self.violatedConstraint(error)
        guard let column = RegistryColumn.allCases.first(where: { $0.uniqueIndex == index }), let value = draft[column] else { return error }
        return StoreContract.alreadyRegistered(column, value: value, to: try await organisation(registry: column, value: value)?.partyID)
    }

    public func organisation(partyID: String) async throws -> Organisation? {
        try await client.query("SELECT * FROM organisation WHERE party_id = \(partyID)", logger: logger).collect().first
            .map(Self.organisation)
    }

    public func organisation(registry: RegistryColumn, value: String) async throws -> Organisation? {
        // The column name comes from the enum, never from input.
        var bindings = PostgresBindings()
        bindings.append(value)
        return try await client.query(
            PostgresQuery(
                unsafeSQL: "SELECT * FROM organisation WHERE \(registry.rawValue) = $1 AND verified ORDER BY number LIMIT 1", binds: bindings),
            logger: logger
        ).collect().first.map { try Self.organisation($0) }
    }

    public func organisations(accountID: String) async throws -> [Organisation] {
        try await client.query("SELECT * FROM organisation WHERE account_id = \(accountID) ORDER BY party_id", logger: logger)
            .collect().map { try Self.organisation($0) }
    }

    public func searchOrganisations(_ search: OrganisationSearch, after: String?, limit: Int) async throws -> [Organisation] {
        var query = Conditions()
        query.add("party_id > $", after ?? "")
        if let partyID = search.partyID { query.add("party_id = $", partyID) }
        if let pattern = search.nameContainsPattern { query.add("name ILIKE $ ESCAPE '\\'", pattern) }
        if let chamber = search.chamberNumber { query.add("kvk = $", chamber) }
        if let country = search.countryCode { query.add("country = $", country) }
        return try await client.query(
            query.sql("SELECT * FROM organisation WHERE", suffix: "ORDER BY party_id LIMIT \(max(0, limit))"), logger: logger
        ).collect().map { try Self.organisation($0) }
    }

    public func user(accountID: String, email: String) async throws -> User? {
        try await client.query(
            """
            SELECT * FROM platform_user
            WHERE account_id = \(accountID) AND lower(email) = lower(\(email)) AND removed_on IS NULL
            """, logger: logger
        ).collect().first.map { try Self.user($0) }
    }

    public func users(accountID: String) async throws -> [User] {
        try await client.query(
            "SELECT * FROM platform_user WHERE account_id = \(accountID) AND removed_on IS NULL ORDER BY email", logger: logger
        ).collect().map { try Self.user($0) }
    }

    public func insertUser(accountID: String, email: String, role: UserRole) async throws -> User {
        try await client.withConnection { connection in
            try await Self.insertUser(connection, User.new(accountID: accountID, email: email, role: role), logger: logger)
        }
    }

    private static func insertUser(_ connection: PostgresConnection, _ user: User, logger: Logger) async throws -> User {
        do {
            try await connection.query(
                """
                INSERT INTO platform_user (id, account_id, email, role)
                VALUES (\(user.id), \(user.accountID), \(user.email), \(user.role.rawValue))
                """, logger: logger)
        } catch let error where isUniqueViolation(error) {
            throw StoreContract.userExists(user.email)
        }
        return user
    }

    public func deleteUser(accountID: String, email: String, now: Date) async throws -> Bool {
        try await transaction { connection in
            // The account row's lock keeps two removals from taking both of the last two administrators.
            try await connection.query("SELECT id FROM account WHERE id = \(accountID) FOR UPDATE", logger: logger)
            guard
                let user = try await connection.query(
                    """
                    SELECT * FROM platform_user
                    WHERE account_id = \(accountID) AND lower(email) = lower(\(email)) AND removed_on IS NULL
                    """, logger: logger
                ).collect().first.map({ try Self.user($0) })
            else { return false }
            let administrators = try await connection.query(
                """
                SELECT COUNT(*) FROM platform_user
                WHERE account_id = \(accountID) AND role = \(UserRole.administrator.rawValue) AND removed_on IS NULL
                """, logger: logger
            ).collect()[0].decode(Int.self)
            if user.role == .administrator && administrators == 1 { throw StoreContract.lastAdministrator(user.email) }
            try await connection.query(
                "DELETE FROM security_token WHERE app_key IN (SELECT app_key FROM connection_key WHERE user_id = \(user.id))",
                logger: logger)
            let time = now.timeIntervalSince1970
            try await connection.query(
                "UPDATE connection_key SET revoked_on = \(time) WHERE user_id = \(user.id) AND revoked_on IS NULL", logger: logger)
            // The row stays, as the keys and status changes name their maker; the e-mail can be added again.
            try await connection.query("UPDATE platform_user SET removed_on = \(time) WHERE id = \(user.id)", logger: logger)
            return true
        }
    }

    // MARK: Keys and tokens

    public func insertConnectionKey(_ key: ConnectionKey, secretHash: [UInt8]) async throws {
        try await client.query(
            """
            INSERT INTO connection_key (app_key, secret_hash, party_id, user_id, email, created_on)
            VALUES (\(key.appKey), \(ByteBuffer(bytes: secretHash)), \(key.partyID), \(key.userID), \(key.email),
                    \(key.createdOn.timeIntervalSince1970))
            """, logger: logger)
    }

    public func keyHolder(appKey: String) async throws -> KeyHolder? {
        guard
            let row = try await client.query(
                """
                SELECT \(unescaped: Self.keyHolderColumns)
                FROM \(unescaped: Self.keyHolderTables)
                WHERE k.app_key = \(appKey)
                """, logger: logger
            ).collect().first
        else { return nil }
        return try Self.keyHolder(row.makeRandomAccess())
    }

    /// What a session needs of a key, joined from the key's row `k`: its organisation, account
    /// and (not removed) user.
    private static let keyHolderColumns = """
        k.app_key, k.secret_hash, k.party_id AS key_party, k.user_id, k.email AS key_email,
        k.created_on AS key_created_on, k.revoked_on,
        o.*, a.id AS a_id, a.name AS a_name, a.email AS a_email, a.subscription AS a_subscription,
        a.created_on AS a_created_on, u.email AS u_email, u.role AS u_role
        """
    private static let keyHolderTables = """
        connection_key k
        JOIN organisation o ON o.party_id = k.party_id
        JOIN account a ON a.id = o.account_id
        JOIN platform_user u ON u.id = k.user_id AND u.removed_on IS NULL
        """

    private static func keyHolder(_ cells: PostgresRandomAccessRow) throws -> KeyHolder {
        let key = ConnectionKey(
            appKey: try cells["app_key"].decode(String.self), partyID: try cells["key_party"].decode(String.self),
            userID: try cells["user_id"].decode(String.self), email: try cells["key_email"].decode(String.self),
            createdOn: Date(timeIntervalSince1970: try cells["key_created_on"].decode(Double.self)),
            revokedOn: try cells["revoked_on"].decode(Double?.self).map(Date.init(timeIntervalSince1970:)))
        let account = Account(
            id: try cells["a_id"].decode(String.self), name: try cells["a_name"].decode(String.self),
            email: try cells["a_email"].decode(String.self),
            subscription: Subscription(rawValue: try cells["a_subscription"].decode(String.self)) ?? .free,
            createdOn: Date(timeIntervalSince1970: try cells["a_created_on"].decode(Double.self)))
        let user = User(
            id: key.userID, accountID: account.id, email: try cells["u_email"].decode(String.self),
            role: UserRole(rawValue: try cells["u_role"].decode(String.self)) ?? .user)
        let hash = try cells["secret_hash"].decode(ByteBuffer.self)
        return KeyHolder(
            key: key, secretHash: Array(hash.readableBytesView), organisation: try organisation(cells), account: account, user: user)
    }

    public func connectionKeys(partyID: String) async throws -> [ConnectionKey] {
        try await client.query(
            "SELECT * FROM connection_key WHERE party_id = \(partyID) ORDER BY created_on DESC, app_key", logger: logger
        ).collect().map { row in
            let cells = row.makeRandomAccess()
            return ConnectionKey(
                appKey: try cells["app_key"].decode(String.self), partyID: try cells["party_id"].decode(String.self),
                userID: try cells["user_id"].decode(String.self), email: try cells["email"].decode(String.self),
                createdOn: Date(timeIntervalSince1970: try cells["created_on"].decode(Double.self)),
                revokedOn: try cells["revoked_on"].decode(Double?.self).map(Date.init(timeIntervalSince1970:)))
        }
    }

    public func revokeConnectionKey(appKey: String, now: Date) async throws -> Bool {
        try await transaction { connection in
            let revoked = try await connection.query(
                """
                UPDATE connection_key SET revoked_on = \(now.timeIntervalSince1970)
                WHERE app_key = \(appKey) AND revoked_on IS NULL RETURNING app_key
                """, logger: logger
            ).collect()
            // Every token issued with the key goes with it.
            try await connection.query("DELETE FROM security_token WHERE app_key = \(appKey)", logger: logger)
            return !revoked.isEmpty
        }
    }

    public func insertSecurityToken(hash: [UInt8], appKey: String, expiresOn: Date) async throws {
        try await client.query(
            """
            INSERT INTO security_token (token_hash, app_key, expires_on)
            VALUES (\(ByteBuffer(bytes: hash)), \(appKey), \(expiresOn.timeIntervalSince1970))
            """, logger: logger)
    }

    // MARK: Outside deliveries

    /// Queues (again, for a revision) a document for a receiver outside the platform.
    private func enqueueDelivery(
        _ connection: PostgresConnection, _ draft: DocumentDraft, externalID: String, revision: Int
    ) async throws {
        guard let claimedUntil = draft.deliveryClaimedUntil?.timeIntervalSince1970 else {
            try await connection.query("DELETE FROM outside_delivery WHERE external_id = \(externalID)", logger: logger)
            return
        }
        try await connection.query(
            """
            INSERT INTO outside_delivery (external_id, revision, state, attempts, next_attempt_on)
            VALUES (\(externalID), \(revision), 'queued', 0, \(claimedUntil))
            ON CONFLICT (external_id) DO UPDATE SET revision = excluded.revision, state = 'queued', attempts = 0,
                next_attempt_on = excluded.next_attempt_on, reason = NULL
            """, logger: logger)
    }

    public func queuedDeliveryCount() async throws -> Int {
        try await client.query("SELECT COUNT(*) FROM outside_delivery WHERE state = 'queued'", logger: logger).collect()[0]
            .decode(Int.self)
    }

    public func claimDueDeliveries(now: Date, claimUntil: Date, limit: Int) async throws -> [QueuedDelivery] {
        // SKIP LOCKED: instances claiming at the same moment each get other documents.
        let rows = try await client.query(
            """
            UPDATE outside_delivery SET next_attempt_on = \(claimUntil.timeIntervalSince1970)
            WHERE external_id IN (
                SELECT external_id FROM outside_delivery
                WHERE state = 'queued' AND next_attempt_on <= \(now.timeIntervalSince1970)
                ORDER BY next_attempt_on LIMIT \(limit) FOR UPDATE SKIP LOCKED)
            RETURNING external_id, revision, attempts
            """, logger: logger
        ).collect()
        return try rows.map { row in
            let (externalID, revision, attempts) = try row.decode((String, Int, Int).self)
            return QueuedDelivery(externalID: externalID, revision: revision, attempts: attempts)
        }
    }

    public func recordDelivery(_ delivery: QueuedDelivery, outcome: DeliveryOutcome) async throws {
        let (state, next, reason, change): (String, Double?, String?, StatusChange?) =
            switch outcome {
            case .delivered(let change, _): ("delivered", nil, nil, change)
            case .retry(let next, let reason): ("queued", next.timeIntervalSince1970, reason, nil)
            case .failed(let change, let reason): ("failed", nil, reason, change)
            }
        try await transaction { connection in
            // An earlier attempt's record with the same AS4 MessageId is replaced.
            if case .delivered(_, let proof?) = outcome { try await self.insertPeppolMessage(connection, proof, replacing: true) }
            let updated = try await connection.query(
                """
                UPDATE outside_delivery SET state = \(state), attempts = attempts + 1,
                    next_attempt_on = COALESCE(\(next), next_attempt_on), reason = \(reason)
                WHERE external_id = \(delivery.externalID) AND revision = \(delivery.revision)
                RETURNING external_id
                """, logger: logger
            ).collect()
            guard !updated.isEmpty, let change else { return }
            // Only a document still waiting: an Invoice Response may have set a later status
            // while a retry was under way.
            let waiting = try await connection.query(
                "SELECT status_code FROM document WHERE external_id = \(delivery.externalID)", logger: logger
            ).collect().first?.decode(String.self)
            guard waiting == DocumentStatus.inWachtrij.code else { return }
            try await self.updateStatus(connection, externalID: delivery.externalID, change: change)
        }
    }

    public func deleteExpiredSecurityTokens(now: Date) async throws -> Int {
        try await client.query(
            "DELETE FROM security_token WHERE expires_on <= \(now.timeIntervalSince1970) RETURNING app_key", logger: logger
        ).collect().count
    }

    public func securityToken(hash: [UInt8]) async throws -> (expiresOn: Date, holder: KeyHolder?)? {
        // One round trip: the holder's columns are null when the key has no holder any more.
        guard
            let row = try await client.query(
                """
                SELECT t.expires_on AS t_expires_on, \(unescaped: Self.keyHolderColumns)
                FROM security_token t LEFT JOIN (\(unescaped: Self.keyHolderTables)) ON k.app_key = t.app_key
                WHERE t.token_hash = \(ByteBuffer(bytes: hash))
                """, logger: logger
            ).collect().first
        else { return nil }
        let cells = row.makeRandomAccess()
        let expiresOn = Date(timeIntervalSince1970: try cells["t_expires_on"].decode(Double.self))
        return (expiresOn, try cells["app_key"].decode(String?.self) == nil ? nil : try Self.keyHolder(cells))
    }

    // MARK: Documents

    public func storeDocument(_ draft: DocumentDraft, now: Date) async throws -> (externalID: String, revision: Int) {
        do {
            return try await store(draft, now: now)
        } catch  where Self.isUniqueViolation(error) {
            // Another instance stored the first version of this invoice a moment ago: this one
            // becomes its revision.
            return try await store(draft, now: now)
        }
    }

    private func store(_ draft: DocumentDraft, now: Date) async throws -> (externalID: String, revision: Int) {
        try await transaction { connection in try await self.store(connection, draft, now: now) }
    }

    private func store(_ connection: PostgresConnection, _ draft: DocumentDraft, now: Date) async throws -> (externalID: String, revision: Int) {
        let time = now.timeIntervalSince1970
        let status = draft.initialStatus
        if let existing = try await connection.query(
            """
            SELECT external_id, revision FROM document
            WHERE sender_party = \(draft.senderPartyID) AND identity = \(draft.identity) FOR UPDATE
            """, logger: logger
        ).collect().first {
            let (externalID, revision) = try existing.decode((String, Int).self)
            // Keep the version being replaced; the current one lives in `document`.
            try await connection.query(
                """
                INSERT INTO document_revision (external_id, revision, payload, payload_sha256, created_on)
                SELECT external_id, revision, payload, payload_sha256, modified_on FROM document WHERE external_id = \(externalID)
                """, logger: logger)
            try await connection.query(
                """
                UPDATE document SET receiver_party = \(draft.receiverPartyID), receiver_reference = \(draft.receiverReference),
                    receiver_email = \(draft.receiverEmail), subject = \(draft.subject), template_id = \(draft.templateID),
                    modified_on = \(time), status_code = \(status.status.code), status_name = \(status.status.name),
                    status_user_id = \(status.userID), status_user_email = \(status.userEmail),
                    status_account_id = \(status.accountID), status_account_name = \(status.accountName),
                    status_changed_on = \(time), status_reason = NULL, route = \(draft.route.rawValue), revision = \(revision + 1),
                    payload = \(draft.payload), payload_sha256 = \(draft.payloadSHA256),
                    peppol_receiver = \(draft.peppolReceiver)
                WHERE external_id = \(externalID)
                """, logger: logger)
            try await enqueueDelivery(connection, draft, externalID: externalID, revision: revision + 1)
            return (externalID, revision + 1)
        }
        // Numbers are taken and committed one transaction at a time, so they commit in order.
        try await connection.query("SELECT pg_advisory_xact_lock(7212002)", logger: logger)
        let sequence = try await connection.query("SELECT nextval('document_seq')", logger: logger).collect()[0]
            .decode(Int64.self)
        let externalID = "XCNIN\(100000 + sequence)"
        try await connection.query(
            """
            INSERT INTO document (seq, external_id, sender_party, receiver_party, receiver_reference, receiver_email,
                subject, template_id, created_on, modified_on, status_code, status_name, status_user_id,
                status_user_email, status_account_id, status_account_name, status_changed_on, route, message_id,
                identity, revision, payload, payload_sha256, peppol_receiver, outside_sender_name, invoice_id)
            VALUES (\(sequence), \(externalID), \(draft.senderPartyID), \(draft.receiverPartyID), \(draft.receiverReference),
                \(draft.receiverEmail), \(draft.subject), \(draft.templateID), \(time), \(time), \(status.status.code),
                \(status.status.name), \(status.userID), \(status.userEmail), \(status.accountID), \(status.accountName),
                \(time), \(draft.route.rawValue), \("EM\(100000 + sequence)"), \(draft.identity), 1, \(draft.payload), \(draft.payloadSHA256),
                \(draft.peppolReceiver), \(draft.outsideSenderName), \(draft.invoiceID))
            """, logger: logger)
        try await enqueueDelivery(connection, draft, externalID: externalID, revision: 1)
        return (externalID, 1)
    }

    // MARK: Peppol messages

    public func peppolMessage(id: String) async throws -> PeppolMessageRecord? {
        try await client.withConnection { connection in try await self.peppolMessage(connection, id: id) }
    }

    public func storeReceivedDocument(_ draft: DocumentDraft, message: PeppolMessageRecord, now: Date) async throws -> PeppolMessageRecord {
        do {
            return try await transaction { connection in
                if let earlier = try await self.peppolMessage(connection, id: message.messageID) { return earlier }
                var record = message
                (record.externalID, record.revision) = try await self.store(connection, draft, now: now)
                try await self.insertPeppolMessage(connection, record, replacing: false)
                return record
            }
        } catch  where Self.isUniqueViolation(error) {
            // Another instance stored the same message a moment ago: its record stands.
            guard let earlier = try await peppolMessage(id: message.messageID) else { throw error }
            return earlier
        }
    }

    public func outboxDocument(senderPartyID: String, peppolReceiver: String, invoiceID: String) async throws -> StoredDocument? {
        var bindings = PostgresBindings()
        bindings.append(senderPartyID)
        bindings.append(peppolReceiver)
        bindings.append(invoiceID)
        return try await client.query(
            PostgresQuery(
                unsafeSQL: """
                    \(Self.documentSelect) WHERE d.sender_party = $1 AND d.peppol_receiver = $2
                        AND d.invoice_id = $3 ORDER BY d.seq DESC LIMIT 1
                    """, binds: bindings), logger: logger
        ).collect().first.map { try Self.document($0) }
    }

    public func recordInvoiceResponse(_ record: PeppolMessageRecord, change: StatusChange?) async throws -> PeppolMessageRecord {
        do {
            return try await transaction { connection in
                if let earlier = try await self.peppolMessage(connection, id: record.messageID) { return earlier }
                try await self.insertPeppolMessage(connection, record, replacing: false)
                if let change { try await self.updateStatus(connection, externalID: record.externalID, change: change) }
                return record
            }
        } catch  where Self.isUniqueViolation(error) {
            guard let earlier = try await peppolMessage(id: record.messageID) else { throw error }
            return earlier
        }
    }

    private func insertPeppolMessage(_ connection: PostgresConnection, _ record: PeppolMessageRecord, replacing: Bool) async throws {
        let receipt = ByteBuffer(bytes: record.receipt)
        if replacing {
            try await connection.query(
                """
                INSERT INTO peppol_message (message_id, direction, external_id, revision, participant, receipt, recorded_on)
                VALUES (\(record.messageID), \(record.direction.rawValue), \(record.externalID), \(record.revision),
                    \(record.participant), \(receipt), \(record.recordedOn.timeIntervalSince1970))
                ON CONFLICT (message_id) DO UPDATE SET external_id = excluded.external_id, revision = excluded.revision,
                    receipt = excluded.receipt, recorded_on = excluded.recorded_on
                """, logger: logger)
        } else {
            try await connection.query(
                """
                INSERT INTO peppol_message (message_id, direction, external_id, revision, participant, receipt, recorded_on)
                VALUES (\(record.messageID), \(record.direction.rawValue), \(record.externalID), \(record.revision),
                    \(record.participant), \(receipt), \(record.recordedOn.timeIntervalSince1970))
                """, logger: logger)
        }
    }

    private func peppolMessage(_ connection: PostgresConnection, id: String) async throws -> PeppolMessageRecord? {
        try await connection.query(
            "SELECT message_id, direction, external_id, revision, participant, receipt, recorded_on FROM peppol_message WHERE message_id = \(id)",
            logger: logger
        ).collect().first.map { row in
            let (messageID, direction, externalID, revision, participant, receipt, recordedOn) = try row.decode(
                (String, String, String, Int, String, ByteBuffer, Double).self)
            return PeppolMessageRecord(
                messageID: messageID, direction: PeppolMessageRecord.Direction(rawValue: direction) ?? .sent, externalID: externalID,
                revision: revision, participant: participant, receipt: Array(receipt.readableBytesView),
                recordedOn: Date(timeIntervalSince1970: recordedOn))
        }
    }

    public func document(externalID: String) async throws -> StoredDocument? {
        var bindings = PostgresBindings()
        bindings.append(externalID)
        return try await client.query(
            PostgresQuery(unsafeSQL: "\(Self.documentSelect) WHERE d.external_id = $1", binds: bindings), logger: logger
        ).collect().first.map { try Self.document($0) }
    }

    public func documents(
        _ mailbox: Mailbox, partyID: String, filter: DocumentFilter, afterSequence: Int64, limit: Int
    ) async throws -> [StoredDocument] {
        var query = Conditions()
        query.add(mailbox == .inbox ? "d.receiver_party = $" : "d.sender_party = $", partyID)
        query.add("d.seq > $", afterSequence)
        if let value = filter.externalID { query.add("d.external_id = $", value) }
        if let value = filter.subject { query.add("d.subject = $", value) }
        if let value = filter.createdFrom { query.add("d.created_on >= $", value.timeIntervalSince1970) }
        if let value = filter.createdTo { query.add("d.created_on <= $", value.timeIntervalSince1970) }
        if let value = filter.modifiedFrom { query.add("d.modified_on >= $", value.timeIntervalSince1970) }
        if let value = filter.modifiedTo { query.add("d.modified_on <= $", value.timeIntervalSince1970) }
        if let value = filter.sender { query.add("(d.sender_party = $ OR s.name = $)", value, value) }
        if let value = filter.receiver { query.add("(d.receiver_party = $ OR r.name = $)", value, value) }
        if let value = filter.statusCode { query.add("d.status_code = $", value) }
        if let value = filter.templateID { query.add("d.template_id = $", value) }
        return try await client.query(
            query.sql("\(Self.listingSelect) WHERE", suffix: "ORDER BY d.seq LIMIT \(max(0, limit))"), logger: logger
        ).collect().map { try Self.document($0) }
    }

    public func statusHistory(externalID: String) async throws -> [(revision: Int, change: StatusChange)] {
        try await client.query(
            """
            SELECT revision, status_code, status_name, status_user_id, status_user_email, status_account_id, status_account_name,
                changed_on, status_reason FROM document_status WHERE external_id = \(externalID) ORDER BY id
            """, logger: logger
        ).collect().map { row in
            let (revision, code, name, userID, email, accountID, accountName, changedOn, reason) = try row.decode(
                (Int, String, String, String?, String?, String?, String?, Double, String?).self)
            return (
                revision,
                StatusChange(
                    status: DocumentStatus(code: code, name: name), userID: userID, userEmail: email, accountID: accountID,
                    accountName: accountName, changedOn: Date(timeIntervalSince1970: changedOn), reason: reason)
            )
        }
    }

    public func setStatus(externalID: String, change: StatusChange) async throws -> StoredDocument? {
        try await client.withConnection { connection in
            try await self.updateStatus(connection, externalID: externalID, change: change)
        }
        return try await document(externalID: externalID)
    }

    private func updateStatus(_ connection: PostgresConnection, externalID: String, change: StatusChange) async throws {
        let time = change.changedOn.timeIntervalSince1970
        try await connection.query(
            """
            UPDATE document SET status_code = \(change.status.code), status_name = \(change.status.name),
                status_user_id = \(change.userID), status_user_email = \(change.userEmail),
                status_account_id = \(change.accountID), status_account_name = \(change.accountName),
                status_changed_on = \(time), status_reason = \(change.reason), modified_on = \(time)
            WHERE external_id = \(externalID)
            """, logger: logger)
    }

    /// Runs `body` in one transaction. What `body` throws comes out as it was thrown (PostgresNIO
    /// wraps it), so a refusal reads the same on every engine; a failed rollback stays wrapped.
    private func transaction<Result: Sendable>(
        _ body: (PostgresConnection) async throws -> sending Result
    ) async throws -> Result {
        do {
            return try await client.withTransaction(logger: logger, body)
        } catch let error as PostgresTransactionError where error.rollbackError == nil && error.closureError != nil {
            throw error.closureError!
        }
    }

    /// The name of the constraint or index a refused statement violated.
    private static func violatedConstraint(_ error: any Error) -> String? {
        if let error = error as? PostgresTransactionError, let inner = error.closureError {
            return violatedConstraint(inner)
        }
        return (error as? PSQLError)?.serverInfo?[.constraintName]
    }

    /// SQLSTATE 23505, directly or from inside a transaction.
    private static func isUniqueViolation(_ error: any Error) -> Bool {
        if let error = error as? PostgresTransactionError, let inner = error.closureError {
            return isUniqueViolation(inner)
        }
        return (error as? PSQLError)?.serverInfo?[.sqlState] == "23505"
    }

    // MARK: Rows

    /// A document from outside the platform has no sending organisation: its name is the one it
    /// arrived with.
    private static let documentSelect = """
        SELECT d.*, COALESCE(s.name, d.outside_sender_name, d.sender_party) AS sender_name, r.name AS receiver_name FROM document d
        LEFT JOIN organisation s ON s.party_id = d.sender_party
        LEFT JOIN organisation r ON r.party_id = d.receiver_party
        """

    /// A list leaves the payloads out: a page of 1,000 documents of up to 100 MiB each is never read.
    private static let listingSelect = """
        SELECT d.seq, d.external_id, d.sender_party, d.receiver_party, d.receiver_reference, d.receiver_email,
            d.subject, d.template_id, d.created_on, d.modified_on, d.status_code, d.status_name, d.status_user_id,
            d.status_user_email, d.status_account_id, d.status_account_name, d.status_changed_on, d.status_reason, d.route,
            d.message_id, d.revision, '' AS payload, d.payload_sha256, d.peppol_receiver,
            COALESCE(s.name, d.outside_sender_name, d.sender_party) AS sender_name, r.name AS receiver_name FROM document d
        LEFT JOIN organisation s ON s.party_id = d.sender_party
        LEFT JOIN organisation r ON r.party_id = d.receiver_party
        """

    /// `WHERE` conditions with `$` placeholders numbered as their values are bound.
    private struct Conditions {
        private var parts: [String] = []
        private var bindings = PostgresBindings()
        private var count = 0

        /// Each `$` in `condition` takes the next of `values`.
        mutating func add<Value: PostgresDynamicTypeEncodable>(_ condition: String, _ values: Value...) {
            var text = ""
            var remaining = values[...]
            for character in condition {
                if character == "$", let value = remaining.popFirst() {
                    count += 1
                    bindings.append(value)
                    text += "$\(count)"
                } else {
                    text.append(character)
                }
            }
            parts.append(text)
        }

        func sql(_ prefix: String, suffix: String) -> PostgresQuery {
            PostgresQuery(unsafeSQL: "\(prefix) \(parts.joined(separator: " AND ")) \(suffix)", binds: bindings)
        }
    }

    private static func document(_ row: PostgresRow) throws -> StoredDocument {
        let cells = row.makeRandomAccess()
        func text(_ name: String) throws -> String { try cells[name].decode(String.self) }
        func optional(_ name: String) throws -> String? { try cells[name].decode(String?.self) }
        func date(_ name: String) throws -> Date { Date(timeIntervalSince1970: try cells[name].decode(Double.self)) }
        return StoredDocument(
            sequence: try cells["seq"].decode(Int64.self), externalID: try text("external_id"),
            senderPartyID: try text("sender_party"), senderName: try text("sender_name"),
            receiverPartyID: try optional("receiver_party"), receiverName: try optional("receiver_name"),
            receiverReference: try text("receiver_reference"), receiverEmail: try optional("receiver_email"),
            subject: try text("subject"), templateID: try text("template_id"), createdOn: try date("created_on"),
            modifiedOn: try date("modified_on"),
            status: StatusChange(
                status: DocumentStatus(code: try text("status_code"), name: try text("status_name")),
                userID: try optional("status_user_id"), userEmail: try optional("status_user_email"),
                accountID: try optional("status_account_id"), accountName: try optional("status_account_name"),
                changedOn: try date("status_changed_on"), reason: try optional("status_reason")),
            route: DeliveryRoute(rawValue: try text("route")) ?? .toInbox, messageID: try text("message_id"),
            revision: try cells["revision"].decode(Int.self), payload: try text("payload"),
            payloadSHA256: try text("payload_sha256"), peppolReceiver: try optional("peppol_receiver"))
    }

    private static func account(_ row: PostgresRow) throws -> Account {
        let cells = row.makeRandomAccess()
        return Account(
            id: try cells["id"].decode(String.self), name: try cells["name"].decode(String.self),
            email: try cells["email"].decode(String.self),
            subscription: Subscription(rawValue: try cells["subscription"].decode(String.self)) ?? .free,
            createdOn: Date(timeIntervalSince1970: try cells["created_on"].decode(Double.self)))
    }

    private static func organisation(_ row: PostgresRow) throws -> Organisation {
        try organisation(row.makeRandomAccess())
    }

    private static func organisation(_ cells: PostgresRandomAccessRow) throws -> Organisation {
        Organisation(
            partyID: try cells["party_id"].decode(String.self), accountID: try cells["account_id"].decode(String.self),
            name: try cells["name"].decode(String.self), country: try cells["country"].decode(String.self),
            kvk: try cells["kvk"].decode(String?.self), oin: try cells["oin"].decode(String?.self),
            vat: try cells["vat"].decode(String?.self), kbo: try cells["kbo"].decode(String?.self),
            isVerified: try cells["verified"].decode(Bool.self),
            createdOn: Date(timeIntervalSince1970: try cells["created_on"].decode(Double.self)))
    }

    // MARK: Portal sign-in

    public func setPasswordHash(userID: String, hash: String?) async throws {
        try await client.query("UPDATE platform_user SET password_hash = \(hash) WHERE id = \(userID)", logger: logger)
    }

    public func passwordHolders(email: String) async throws -> [(user: User, hash: String)] {
        try await client.query(
            """
            SELECT * FROM platform_user
            WHERE lower(email) = lower(\(email)) AND removed_on IS NULL AND password_hash IS NOT NULL ORDER BY account_id
            """, logger: logger
        ).collect().map { row in (try Self.user(row), try row.makeRandomAccess()["password_hash"].decode(String.self)) }
    }

    public func insertPortalSession(_ session: PortalSessionRecord) async throws {
        try await client.query(
            """
            INSERT INTO portal_session (id_hash, user_id, csrf_token, created_on, expires_on)
            VALUES (\(ByteBuffer(bytes: session.idHash)), \(session.userID), \(session.csrfToken),
                \(session.createdOn.timeIntervalSince1970), \(session.expiresOn.timeIntervalSince1970))
            """, logger: logger)
    }

    public func portalSession(idHash: [UInt8]) async throws -> (session: PortalSessionRecord, user: User)? {
        guard
            let row = try await client.query(
                """
                SELECT s.csrf_token, s.created_on, s.expires_on, u.* FROM portal_session s
                JOIN platform_user u ON u.id = s.user_id WHERE s.id_hash = \(ByteBuffer(bytes: idHash)) AND u.removed_on IS NULL
                """, logger: logger
            ).collect().first
        else { return nil }
        let cells = row.makeRandomAccess()
        let user = try Self.user(row)
        let session = PortalSessionRecord(
            idHash: idHash, userID: user.id, csrfToken: try cells["csrf_token"].decode(String.self),
            createdOn: Date(timeIntervalSince1970: try cells["created_on"].decode(Double.self)),
            expiresOn: Date(timeIntervalSince1970: try cells["expires_on"].decode(Double.self)))
        return (session, user)
    }

    public func deletePortalSession(idHash: [UInt8]) async throws {
        try await client.query("DELETE FROM portal_session WHERE id_hash = \(ByteBuffer(bytes: idHash))", logger: logger)
    }

    public func deletePortalSessions(userID: String) async throws {
        try await client.query("DELETE FROM portal_session WHERE user_id = \(userID)", logger: logger)
    }

    public func deleteExpiredPortalSessions(now: Date) async throws -> Int {
        try await client.query(
            "DELETE FROM portal_session WHERE expires_on <= \(now.timeIntervalSince1970) RETURNING user_id", logger: logger
        ).collect().count
    }

    private static func user(_ row: PostgresRow) throws -> User {
        let cells = row.makeRandomAccess()
        return User(
            id: try cells["id"].decode(String.self), accountID: try cells["account_id"].decode(String.self),
            email: try cells["email"].decode(String.self),
            role: UserRole(rawValue: try cells["role"].decode(String.self)) ?? .user)
    }
}

public struct PlatformStoreError: Error, Sendable, Equatable, CustomStringConvertible {
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible, ExpressibleByStringLiteral {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public init(stringLiteral value: String) { self.rawValue = value }
        public var description: String { rawValue }

        public static let invalidURL: Code = "postgres.url"
        public static let invalidTLSMode: Code = "postgres.sslmode"
        /// No session with the server in time.
        public static let unreachable: Code = "postgres.unreachable"
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(message) [\(code)]" }

    static let invalidURL = PlatformStoreError(
        .invalidURL, "the --postgres value is not a postgres://user[:password]@host[:port]/database URL")

    static func invalidTLSMode(_ mode: String) -> PlatformStoreError {
        PlatformStoreError(.invalidTLSMode, "sslmode '\(mode)' is not one of disable, prefer, require, verify-ca, verify-full")
    }

    static func unreachable(host: String, port: Int, seconds: Int) -> PlatformStoreError {
        PlatformStoreError(
            .unreachable,
            "no PostgreSQL session with \(host):\(port) within \(seconds) s: is the server running, are the user and "
                + "password right, and does it offer TLS when the URL's sslmode asks for it?")
    }
}
