import EInvoice
import Foundation
import GRDB

/// The platform's state in one SQLite file, through GRDB.
///
/// Durability: WAL journal with `synchronous = NORMAL`. A commit is in the WAL file before the
/// call returns, so every acknowledged document survives the server process being killed
/// (kill -9); only a power loss can take the last commits, and then the database is still
/// consistent. `FULL` would fsync every commit and cap a single writer at a few hundred commits a
/// second on this hardware. Pass `synchronous: .full` where power loss must not lose anything.
public final class SQLitePlatformStore: PlatformStore {
    public enum Synchronous: String, Sendable { case normal = "NORMAL", full = "FULL" }

    private let pool: DatabasePool
    /// Connections of their own for short reads by key (a token, an organisation), made on the
    /// calling thread: GRDB's async read hands each to a reader's queue and back, two thread
    /// switches that cost more than the query. (`pool`'s readers cannot serve these: its async
    /// reads hold a connection while they wait for a thread, and a thread blocked here could be
    /// the one they wait for.)
    private let keyedReads: SQLiteKeyedReads
    /// The writes every send or receive makes (the document, a delivery's outcome): concurrent
    /// ones share a commit.
    private let documentWrites: SQLiteWriteBatches
    /// Copies the WAL into the database file beside the writer rather than inside its commits.
    private let checkpoints: SQLiteCheckpoints
    /// What opening the store tightened: files or a folder others could read (see `PrivateFiles`).
    public let permissionWarnings: [String]

    /// Opens (and creates or migrates) the database at `path`, readable by its owner alone.
    /// `ownsFolder`: the folder holds only this store, so it is kept `0700` too.
    public init(path: String, synchronous: Synchronous = .normal, ownsFolder: Bool = false) throws {
        permissionWarnings = try PrivateFiles.prepareDatabase(at: path, ownsFolder: ownsFolder)
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = \(synchronous.rawValue)")
            try db.execute(sql: "PRAGMA foreign_keys = ON")
        }
        pool = try DatabasePool(path: path, configuration: configuration)
        documentWrites = SQLiteWriteBatches(pool: pool)
        try SQLitePlatformStore.migrator.migrate(pool)
        keyedReads = SQLiteKeyedReads(path: path)
        checkpoints = try SQLiteCheckpoints(path: path, synchronous: synchronous.rawValue)
        try pool.writeWithoutTransaction { [checkpoints] db in
            // A statement that can fail halfway (an INSERT into a table with a unique index) keeps
            // a copy of the pages it changes, to undo them; past 64 KiB SQLite moves that copy
            // into a temporary file for as long as the connection lives, and every later copy was
            // a `pwrite` (5 % of the server's CPU under wrk). Readers sort in temporary storage
            // too, possibly whole payloads, so only the writer keeps its copies in memory.
            try db.execute(sql: "PRAGMA temp_store = MEMORY")
            checkpoints.watch(db)
        }
    }

    deinit {
        // The writer may outlive this store (a batch still committing holds the pool).
        pool.writeWithoutTransaction { [checkpoints] db in checkpoints.stopWatching(db) }
    }

    /// A short read by key on the calling thread, one statement (see ``SQLiteKeyedReads``).
    private func readNow<T>(_ value: (Database) throws -> T) throws -> T {
        try keyedReads.read(value)
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE account (
                        id TEXT PRIMARY KEY, name TEXT NOT NULL, email TEXT NOT NULL,
                        subscription TEXT NOT NULL, created_on REAL NOT NULL);
                    CREATE TABLE organisation (
                        party_id TEXT PRIMARY KEY, account_id TEXT NOT NULL REFERENCES account(id),
                        name TEXT NOT NULL, country TEXT NOT NULL, number INTEGER NOT NULL,
                        kvk TEXT, oin TEXT, vat TEXT, kbo TEXT,
                        verified INTEGER NOT NULL, created_on REAL NOT NULL);
                    CREATE UNIQUE INDEX organisation_country_number ON organisation(country, number);
                    CREATE INDEX organisation_account ON organisation(account_id);
                    CREATE INDEX organisation_kvk ON organisation(kvk);
                    CREATE INDEX organisation_oin ON organisation(oin);
                    CREATE INDEX organisation_vat ON organisation(vat);
                    CREATE INDEX organisation_kbo ON organisation(kbo);
                    CREATE TABLE user (
                        id TEXT PRIMARY KEY, account_id TEXT NOT NULL REFERENCES account(id),
                        email TEXT NOT NULL, role TEXT NOT NULL, UNIQUE(account_id, email));
                    CREATE TABLE connection_key (
                        app_key TEXT PRIMARY KEY, secret_hash BLOB NOT NULL,
                        party_id TEXT NOT NULL REFERENCES organisation(party_id),
                        user_id TEXT NOT NULL REFERENCES user(id), email TEXT NOT NULL,
                        created_on REAL NOT NULL, revoked_on REAL);
                    CREATE TABLE security_token (
                        token_hash BLOB PRIMARY KEY, app_key TEXT NOT NULL REFERENCES connection_key(app_key),
                        expires_on REAL NOT NULL);
                    CREATE TABLE document (
                        seq INTEGER PRIMARY KEY AUTOINCREMENT, external_id TEXT UNIQUE,
                        sender_party TEXT NOT NULL, receiver_party TEXT, receiver_reference TEXT NOT NULL,
                        receiver_email TEXT, subject TEXT NOT NULL, template_id TEXT NOT NULL,
                        created_on REAL NOT NULL, modified_on REAL NOT NULL,
                        status_code TEXT NOT NULL, status_name TEXT NOT NULL, status_user_id TEXT,
                        status_user_email TEXT, status_account_id TEXT, status_account_name TEXT,
                        status_changed_on REAL NOT NULL, route TEXT NOT NULL, message_id TEXT NOT NULL,
                        identity TEXT NOT NULL, revision INTEGER NOT NULL, payload TEXT NOT NULL);
                    CREATE UNIQUE INDEX document_identity ON document(sender_party, identity);
                    CREATE INDEX document_outbox ON document(sender_party, seq);
                    CREATE INDEX document_inbox ON document(receiver_party, seq);
                    -- Earlier versions of re-sent documents; the current one is in document.
                    CREATE TABLE document_revision (
                        external_id TEXT NOT NULL, revision INTEGER NOT NULL, payload TEXT NOT NULL,
                        created_on REAL NOT NULL, PRIMARY KEY (external_id, revision));
                    """)
        }
        migrator.registerMigration("v2: time-window indexes") { db in
            // Polling with CreatedOn/From or ModifiedOn/From reads only the window, however long
            // the inbox or outbox has grown.
            try db.execute(
                sql: """
                    CREATE INDEX document_inbox_created ON document(receiver_party, created_on);
                    CREATE INDEX document_inbox_modified ON document(receiver_party, modified_on);
                    CREATE INDEX document_outbox_created ON document(sender_party, created_on);
                    CREATE INDEX document_outbox_modified ON document(sender_party, modified_on);
                    """)
        }
        migrator.registerMigration("v3: outside delivery queue") { db in
            // One row per document for a receiver outside the platform: queued until delivered or
            // given up; `next_attempt_on` is when it is due (or until when a worker holds it).
            try db.execute(
                sql: """
                    CREATE TABLE outside_delivery (
                        external_id TEXT PRIMARY KEY REFERENCES document(external_id), revision INTEGER NOT NULL,
                        state TEXT NOT NULL, attempts INTEGER NOT NULL, next_attempt_on REAL NOT NULL, reason TEXT);
                    CREATE INDEX outside_delivery_due ON outside_delivery(state, next_attempt_on);
                    """)
        }
        migrator.registerMigration("v4: payload digests") { db in
            // The SHA-256 of every payload, so sender and receiver can prove they hold the same bytes.
            try db.execute(
                sql: """
                    ALTER TABLE document ADD COLUMN payload_sha256 TEXT NOT NULL DEFAULT '';
                    ALTER TABLE document_revision ADD COLUMN payload_sha256 TEXT NOT NULL DEFAULT '';
                    """)
            for table in ["document", "document_revision"] {
                let rows = try Row.fetchCursor(db, sql: "SELECT rowid, payload FROM \(table)")
                while let row = try rows.next() {
                    let payload: String = row["payload"]
                    try db.execute(
                        sql: "UPDATE \(table) SET payload_sha256 = ? WHERE rowid = ?",
                        arguments: [DocumentDigest.sha256(payload), row["rowid"] as Int64])
                }
            }
        }
        migrator.registerMigration("v5: peppol") { db in
            // Documents from outside the platform name their sender; documents sent over Peppol
            // name their receiver's participant id; every AS4 exchange keeps its signed receipt.
            try db.execute(
                sql: """
                    ALTER TABLE document ADD COLUMN outside_sender_name TEXT;
                    ALTER TABLE document ADD COLUMN peppol_receiver TEXT;
                    CREATE TABLE peppol_message (
                        message_id TEXT PRIMARY KEY, direction TEXT NOT NULL,
                        external_id TEXT NOT NULL REFERENCES document(external_id), revision INTEGER NOT NULL,
                        participant TEXT NOT NULL, receipt BLOB NOT NULL, recorded_on REAL NOT NULL);
                    CREATE INDEX peppol_message_document ON peppol_message(external_id);
                    """)
        }
        migrator.registerMigration("v6: one store contract") { db in
            // What PostgreSQL already enforced, enforced here too: a registry number belongs to one
            // organisation, an e-mail to one user of an account whatever its case, every document has
            // an ExternalId; tokens are found by their key. And every account's own e-mail is its
            // first administrator.
            try StoreContract.refuseDuplicateRegistrations(
                try Row.fetchAll(db, sql: "SELECT party_id, kvk, oin, vat, kbo FROM organisation ORDER BY number").map {
                    StoreContract.Registration(partyID: $0["party_id"], kvk: $0["kvk"], oin: $0["oin"], vat: $0["vat"], kbo: $0["kbo"])
                })
            try db.execute(
                sql: """
                    \(StoreContract.uniqueRegistryIndexes)
                    CREATE TABLE user_new (
                        id TEXT PRIMARY KEY, account_id TEXT NOT NULL REFERENCES account(id),
                        email TEXT NOT NULL, role TEXT NOT NULL, removed_on REAL);
                    INSERT INTO user_new SELECT id, account_id, email, role, NULL FROM user;
                    DROP TABLE user;
                    ALTER TABLE user_new RENAME TO user;
                    CREATE UNIQUE INDEX user_email ON user(account_id, email COLLATE NOCASE) WHERE removed_on IS NULL;
                    CREATE INDEX security_token_key ON security_token(app_key);
                    CREATE TABLE document_new (
                        seq INTEGER PRIMARY KEY AUTOINCREMENT, external_id TEXT NOT NULL UNIQUE,
                        sender_party TEXT NOT NULL, receiver_party TEXT, receiver_reference TEXT NOT NULL,
                        receiver_email TEXT, subject TEXT NOT NULL, template_id TEXT NOT NULL,
                        created_on REAL NOT NULL, modified_on REAL NOT NULL,
                        status_code TEXT NOT NULL, status_name TEXT NOT NULL, status_user_id TEXT,
                        status_user_email TEXT, status_account_id TEXT, status_account_name TEXT,
                        status_changed_on REAL NOT NULL, route TEXT NOT NULL, message_id TEXT NOT NULL,
                        identity TEXT NOT NULL, revision INTEGER NOT NULL, payload TEXT NOT NULL,
                        payload_sha256 TEXT NOT NULL DEFAULT '', outside_sender_name TEXT, peppol_receiver TEXT);
                    INSERT INTO document_new SELECT
                        seq, external_id, sender_party, receiver_party, receiver_reference, receiver_email, subject,
                        template_id, created_on, modified_on, status_code, status_name, status_user_id,
                        status_user_email, status_account_id, status_account_name, status_changed_on, route,
                        message_id, identity, revision, payload, payload_sha256, outside_sender_name, peppol_receiver
                        FROM document;
                    DROP TABLE document;
                    ALTER TABLE document_new RENAME TO document;
                    \(StoreContract.documentIndexes)
                    INSERT INTO user (id, account_id, email, role)
                        SELECT 'USR' || lower(hex(randomblob(8))), id, email, 'administrator' FROM account
                        WHERE NOT EXISTS (SELECT 1 FROM user WHERE user.account_id = account.id
                                          AND user.email = account.email COLLATE NOCASE AND removed_on IS NULL);
                    """)
        }
        migrator.registerMigration("v7: invoice numbers") { db in
            try db.execute(sql: StoreContract.invoiceIDColumn)
        }
        migrator.registerMigration("v8: portal") { db in
            try db.execute(sql: StoreContract.portal(userTable: "user", bytes: "BLOB", time: "REAL"))
        }
        migrator.registerMigration("v9: status history") { db in
            try db.execute(sql: StoreContract.sqliteStatusHistory)
        }
        migrator.registerMigration("v10: verified registrations") { db in
            try db.execute(sql: StoreContract.verifiedRegistryIndexes(verifiedIs: "verified = 1"))
        }
        migrator.registerMigration("v11: status reasons") { db in
            try db.execute(sql: StoreContract.sqliteStatusReason)
        }
        migrator.registerMigration("v12: payloads apart") { db in
            // SQLite writes a whole row again on every UPDATE: with the payload in `document`,
            // each status change read and rebuilt the payload, twice its size in memory (about
            // 100 MB and 0.1 s for a 50 MB invoice). It now lives in a row of its own, under the
            // document's `seq`. (PostgreSQL leaves an unchanged large value where it is.)
            try db.execute(
                sql: """
                    CREATE TABLE document_payload (seq INTEGER PRIMARY KEY REFERENCES document(seq), payload TEXT NOT NULL);
                    INSERT INTO document_payload (seq, payload) SELECT seq, payload FROM document;
                    ALTER TABLE document DROP COLUMN payload;
                    """)
        }
        return migrator
    }

    // MARK: Accounts, organisations, users

    public func insertAccount(name: String, email: String, subscription: Subscription, now: Date) async throws -> Account {
        try await pool.write { db in
            let number = try Int.fetchOne(db.cachedStatement(sql: "SELECT COUNT(*) FROM account"))! + 1
            let account = Account(
                id: "ACC\(100000 + number)", name: name, email: email, subscription: subscription, createdOn: now)
            try db.execute(
                sql: "INSERT INTO account (id, name, email, subscription, created_on) VALUES (?, ?, ?, ?, ?)",
                arguments: [account.id, name, email, subscription.rawValue, now.timeIntervalSince1970])
            _ = try SQLitePlatformStore.insertUser(db, User.new(accountID: account.id, email: email, role: .administrator))
            return account
        }
    }

    public func accounts() async throws -> [Account] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT \(Layout.account.list) FROM account ORDER BY id").map(SQLitePlatformStore.account)
        }
    }

    public func account(id: String) async throws -> Account? {
        try await pool.read { db in
            try Row.fetchOne(db.cachedStatement(sql: "SELECT \(Layout.account.list) FROM account WHERE id = ?"), arguments: [id]).map(
                SQLitePlatformStore.account)
        }
    }

    public func insertOrganisation(_ draft: OrganisationDraft, now: Date) async throws -> Organisation {
        try await pool.write { db in
            let number =
                try Int.fetchOne(db.cachedStatement(sql: "SELECT MAX(number) FROM organisation WHERE country = ?"), arguments: [draft.country])
                .map { $0 + 1 } ?? 10001
            let organisation = Organisation(
                partyID: "XC\(draft.country)\(number)", accountID: draft.accountID, name: draft.name,
                country: draft.country, kvk: draft.kvk, oin: draft.oin, vat: draft.vat, kbo: draft.kbo,
                isVerified: draft.isVerified, createdOn: now)
            do {
                try db.cachedStatement(
                    sql: """
                        INSERT INTO organisation (party_id, account_id, name, country, number, kvk, oin, vat, kbo, verified, created_on)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """
                ).execute(
                    arguments: [
                        organisation.partyID, draft.accountID, draft.name, draft.country, number, draft.kvk, draft.oin,
                        draft.vat, draft.kbo, draft.isVerified, now.timeIntervalSince1970,
                    ])
            } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE {
                throw try SQLitePlatformStore.registryRefusal(db, error, draft)
            }
            return organisation
        }
    }

    public func updateOrganisation(_ draft: OrganisationDraft, partyID: String) async throws -> Organisation? {
        try await pool.write { db in
            do {
                try db.execute(
                    sql: "UPDATE organisation SET name = ?, kvk = ?, oin = ?, vat = ?, kbo = ?, verified = ? WHERE party_id = ?",
                    arguments: [draft.name, draft.kvk, draft.oin, draft.vat, draft.kbo, draft.isVerified, partyID])
            } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE {
                throw try SQLitePlatformStore.registryRefusal(db, error, draft)
            }
            return try Row.fetchOne(db, sql: "SELECT \(Layout.organisation.list) FROM organisation WHERE party_id = ?", arguments: [partyID])
                .map(SQLitePlatformStore.organisation)
        }
    }

    /// A registry number's unique index refused `draft`: the contract's refusal, naming the column
    /// and the verified organisation that holds the number. SQLite names the column in its
    /// message ("UNIQUE constraint failed: organisation.kvk").
    private static func registryRefusal(_ db: Database, _ error: DatabaseError, _ draft: OrganisationDraft) throws -> any Error {
        guard let column = RegistryColumn.allCases.first(where: { error.message?.hasSuffix("organisation.\($0.rawValue)") == true }),
            let value = draft[column]
        else { return error }
        let other = try Row.fetchOne(
            db, sql: "SELECT party_id FROM organisation WHERE \(column.rawValue) = ? AND verified = 1", arguments: [value])
        return StoreContract.alreadyRegistered(column, value: value, to: other?["party_id"])
    }

    public func organisation(partyID: String) async throws -> Organisation? {
        try readNow { db in
            try Self.firstRow(
                db.cachedStatement(sql: "SELECT \(Layout.organisation.list) FROM organisation WHERE party_id = ?"), arguments: [partyID],
                SQLitePlatformStore.organisation)
        }
    }

    public func organisation(registry: RegistryColumn, value: String) async throws -> Organisation? {
        try readNow { db in
            try Self.firstRow(
                db.cachedStatement(
                    sql:
                        "SELECT \(Layout.organisation.list) FROM organisation WHERE \(registry.rawValue) = ? AND verified = 1 ORDER BY number LIMIT 1"
                ),
                arguments: [value], SQLitePlatformStore.organisation)
        }
    }

    public func organisations(accountID: String) async throws -> [Organisation] {
        try await pool.read { db in
            try Row.fetchAll(
                db, sql: "SELECT \(Layout.organisation.list) FROM organisation WHERE account_id = ? ORDER BY party_id", arguments: [accountID]
            ).map(SQLitePlatformStore.organisation)
        }
    }

    public func searchOrganisations(
        _ search: OrganisationSearch, after: String?, limit: Int
    ) async throws
        -> [Organisation]
    {
        try await pool.read { db in
            var conditions = ["party_id > ?"]
            var arguments: StatementArguments = [after ?? ""]
            if let partyID = search.partyID {
                conditions.append("party_id = ?")
                _ = arguments.append(contentsOf: [partyID])
            }
            if let pattern = search.nameContainsPattern {
                conditions.append("name LIKE ? ESCAPE '\\'")
                _ = arguments.append(contentsOf: [pattern])
            }
            if let chamber = search.chamberNumber {
                conditions.append("kvk = ?")
                _ = arguments.append(contentsOf: [chamber])
            }
            if let country = search.countryCode {
                conditions.append("country = ?")
                _ = arguments.append(contentsOf: [country])
            }
            _ = arguments.append(contentsOf: [limit])
            return try Row.fetchAll(
                db,
                sql: "SELECT \(Layout.organisation.list) FROM organisation WHERE \(conditions.joined(separator: " AND ")) ORDER BY party_id LIMIT ?",
                arguments: arguments
            ).map(SQLitePlatformStore.organisation)
        }
    }

    public func user(accountID: String, email: String) async throws -> User? {
        try await pool.read { db in
            try Row.fetchOne(
                db, sql: "SELECT \(Layout.user.list) FROM user WHERE account_id = ? AND email = ? COLLATE NOCASE AND removed_on IS NULL",
                arguments: [accountID, email]
            ).map(SQLitePlatformStore.user)
        }
    }

    public func users(accountID: String) async throws -> [User] {
        try await pool.read { db in
            try Row.fetchAll(
                db, sql: "SELECT \(Layout.user.list) FROM user WHERE account_id = ? AND removed_on IS NULL ORDER BY email", arguments: [accountID]
            )
            .map(SQLitePlatformStore.user)
        }
    }

    public func insertUser(accountID: String, email: String, role: UserRole) async throws -> User {
        try await pool.write { db in
            try SQLitePlatformStore.insertUser(db, User.new(accountID: accountID, email: email, role: role))
        }
    }

    private static func insertUser(_ db: Database, _ user: User) throws -> User {
        do {
            try db.execute(
                sql: "INSERT INTO user (id, account_id, email, role) VALUES (?, ?, ?, ?)",
                arguments: [user.id, user.accountID, user.email, user.role.rawValue])
        } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE {
            throw StoreContract.userExists(user.email)
        }
        return user
    }

    public func deleteUser(accountID: String, email: String, now: Date) async throws -> Bool {
        try await pool.write { db in
            guard
                let user = try Row.fetchOne(
                    db, sql: "SELECT \(Layout.user.list) FROM user WHERE account_id = ? AND email = ? COLLATE NOCASE AND removed_on IS NULL",
                    arguments: [accountID, email]
                ).map(SQLitePlatformStore.user)
            else { return false }
            let administrators = try Int.fetchOne(
                db, sql: "SELECT COUNT(*) FROM user WHERE account_id = ? AND role = ? AND removed_on IS NULL",
                arguments: [accountID, UserRole.administrator.rawValue])!
            if user.role == .administrator && administrators == 1 { throw StoreContract.lastAdministrator(user.email) }
            try db.execute(
                sql: "DELETE FROM security_token WHERE app_key IN (SELECT app_key FROM connection_key WHERE user_id = ?)",
                arguments: [user.id])
            try db.execute(
                sql: "UPDATE connection_key SET revoked_on = ? WHERE user_id = ? AND revoked_on IS NULL",
                arguments: [now.timeIntervalSince1970, user.id])
            // The row stays, as the keys and status changes name their maker; the e-mail can be added again.
            try db.execute(sql: "UPDATE user SET removed_on = ? WHERE id = ?", arguments: [now.timeIntervalSince1970, user.id])
            return true
        }
    }

    // MARK: Keys and tokens

    public func insertConnectionKey(_ key: ConnectionKey, secretHash: [UInt8]) async throws {
        try await pool.write { db in
            try db.cachedStatement(
                sql: """
                    INSERT INTO connection_key (app_key, secret_hash, party_id, user_id, email, created_on)
                    VALUES (?, ?, ?, ?, ?, ?)
                    """
            ).execute(
                arguments: [
                    key.appKey, Data(secretHash), key.partyID, key.userID, key.email, key.createdOn.timeIntervalSince1970,
                ])
        }
    }

    public func keyHolder(appKey: String) async throws -> KeyHolder? {
        try readNow { db in
            try Self.firstRow(db.cachedStatement(sql: Self.keyHolderQuery), arguments: [appKey]) { row in
                var columns = Columns(row)
                return Self.keyHolder(&columns)
            } ?? nil
        }
    }

    public func connectionKeys(partyID: String) async throws -> [ConnectionKey] {
        try await pool.read { db in
            try Row.fetchAll(
                db, sql: "SELECT \(Layout.connectionKey.list) FROM connection_key WHERE party_id = ? ORDER BY created_on DESC, app_key",
                arguments: [partyID]
            ).map(SQLitePlatformStore.connectionKey)
        }
    }

    public func revokeConnectionKey(appKey: String, now: Date) async throws -> Bool {
        try await pool.write { db in
            try db.execute(
                sql: "UPDATE connection_key SET revoked_on = ? WHERE app_key = ? AND revoked_on IS NULL",
                arguments: [now.timeIntervalSince1970, appKey])
            let changed = db.changesCount > 0
            // Every token issued with the key goes with it.
            try db.cachedStatement(sql: "DELETE FROM security_token WHERE app_key = ?").execute(arguments: [appKey])
            return changed
        }
    }

    public func insertSecurityToken(hash: [UInt8], appKey: String, expiresOn: Date) async throws {
        try await pool.write { db in
            try db.execute(
                sql: "INSERT INTO security_token (token_hash, app_key, expires_on) VALUES (?, ?, ?)",
                arguments: [Data(hash), appKey, expiresOn.timeIntervalSince1970])
        }
    }

    public func securityToken(hash: [UInt8]) async throws -> (expiresOn: Date, holder: KeyHolder?)? {
        try readNow { db in
            try Self.firstRow(db.cachedStatement(sql: Self.tokenHolderQuery), arguments: [Data(hash)]) { row in
                var columns = Columns(row)
                return (Date(timeIntervalSince1970: columns.next()), Self.keyHolder(&columns))
            }
        }
    }

    /// A connection key with its organisation, account and user, in one statement and so one
    /// snapshot (``SQLiteKeyedReads``): the key's secret hash, then each record laid out as
    /// ``Layout`` says. Every request with a token reads this.
    private static let holderTables: [(alias: String, columns: Layout)] = [
        ("k", .connectionKey), ("o", .organisation), ("a", .account), ("u", .user),
    ]
    private static let holderSelect = "k.secret_hash, " + holderTables.map { $0.columns.qualified($0.alias) }.joined(separator: ", ")
    private static let holderJoins = """
        LEFT JOIN organisation o ON o.party_id = k.party_id
        LEFT JOIN account a ON a.id = o.account_id
        LEFT JOIN user u ON u.id = k.user_id AND u.removed_on IS NULL
        """
    private static let keyHolderQuery = "SELECT \(holderSelect) FROM connection_key k \(holderJoins) WHERE k.app_key = ?"
    private static let tokenHolderQuery = """
        SELECT t.expires_on, \(holderSelect) FROM security_token t LEFT JOIN connection_key k ON k.app_key = t.app_key
        \(holderJoins) WHERE t.token_hash = ?
        """

    /// The first row `statement` gives, decoded where it stands (`fetchOne` would copy it first).
    private static func firstRow<T>(_ statement: Statement, arguments: StatementArguments, _ decode: (Row) -> T) throws -> T? {
        let cursor = try Row.fetchCursor(statement, arguments: arguments)
        // The row is the statement's current one: the cursor, which resets the statement when it
        // goes, must outlive the decoding.
        return try withExtendedLifetime(cursor) { try cursor.next().map(decode) }
    }

    /// A row's columns read one after another.
    private struct Columns {
        let row: Row
        var index = 0

        init(_ row: Row) { self.row = row }

        mutating func next<Value: DatabaseValueConvertible & StatementColumnConvertible>() -> Value {
            defer { index += 1 }
            return row[index]
        }

        mutating func nextOrNil<Value: DatabaseValueConvertible & StatementColumnConvertible>() -> Value? {
            defer { index += 1 }
            return row[index]
        }
    }

    /// The holder in the next columns, laid out as `holderSelect`; nil where a row is missing (a
    /// removed user).
    private static func keyHolder(_ columns: inout Columns) -> KeyHolder? {
        let secretHash: Data? = columns.nextOrNil()
        // Each record's first column is its key: NULL where the join found no row.
        var first = columns.index
        for table in holderTables {
            if columns.row.hasNull(atIndex: first) { return nil }
            first += table.columns.count
        }
        return KeyHolder(
            key: connectionKey(&columns), secretHash: [UInt8](secretHash ?? Data()), organisation: organisation(&columns),
            account: account(&columns), user: user(&columns))
    }

    public func deleteExpiredSecurityTokens(now: Date) async throws -> Int {
        try await pool.write { db in
            try db.cachedStatement(sql: "DELETE FROM security_token WHERE expires_on <= ?").execute(arguments: [now.timeIntervalSince1970])
            return db.changesCount
        }
    }

    // MARK: Documents

    public func storeDocument(_ draft: DocumentDraft, now: Date) async throws -> (externalID: String, revision: Int) {
        try await documentWrites.write { db in try SQLitePlatformStore.storeDocument(db, draft, now: now) }
    }

    static func storeDocument(_ db: Database, _ draft: DocumentDraft, now: Date) throws -> (externalID: String, revision: Int) {
        let time = now.timeIntervalSince1970
        let status = draft.initialStatus
        if let existing = try Row.fetchOne(
            db.cachedStatement(sql: "SELECT seq, external_id, revision FROM document WHERE sender_party = ? AND identity = ?"),
            arguments: [draft.senderPartyID, draft.identity])
        {
            let sequence: Int64 = existing["seq"]
            let externalID: String = existing["external_id"]
            let revision: Int = existing["revision"] + 1
            // Keep the version being replaced; the current one lives in `document`.
            try db.cachedStatement(
                sql: """
                    INSERT INTO document_revision (external_id, revision, payload, payload_sha256, created_on)
                    SELECT d.external_id, d.revision, p.payload, d.payload_sha256, d.modified_on
                    FROM document d JOIN document_payload p ON p.seq = d.seq WHERE d.seq = ?
                    """
            ).execute(
                arguments: [sequence])
            try db.cachedStatement(
                sql: """
                    UPDATE document SET receiver_party = ?, receiver_reference = ?, receiver_email = ?, subject = ?,
                        template_id = ?, modified_on = ?, status_code = ?, status_name = ?, status_user_id = ?,
                        status_user_email = ?, status_account_id = ?, status_account_name = ?, status_changed_on = ?,
                        status_reason = NULL, route = ?, revision = ?, payload_sha256 = ?, peppol_receiver = ?
                    WHERE seq = ?
                    """
            ).execute(
                arguments: [
                    draft.receiverPartyID, draft.receiverReference, draft.receiverEmail, draft.subject,
                    draft.templateID, time, status.status.code, status.status.name, status.userID,
                    status.userEmail, status.accountID, status.accountName, time, draft.route.rawValue, revision,
                    draft.payloadSHA256, draft.peppolReceiver, sequence,
                ])
            try SQLitePlatformStore.writePayload(
                db.cachedStatement(sql: "UPDATE document_payload SET payload = ? WHERE seq = ?"), [draft.payload, sequence])
            try SQLitePlatformStore.enqueueDelivery(db, draft, externalID: externalID, revision: revision)
            return (externalID, revision)
        }
        // The next sequence number names the document, so it is written once, id included.
        let sequence = (try Int64.fetchOne(db.cachedStatement(sql: "SELECT seq FROM sqlite_sequence WHERE name = 'document'")) ?? 0) + 1
        let externalID = "XCNIN\(100000 + sequence)"
        try db.cachedStatement(
            sql: """
                INSERT INTO document (seq, external_id, sender_party, receiver_party, receiver_reference, receiver_email,
                    subject, template_id, created_on, modified_on, status_code, status_name, status_user_id,
                    status_user_email, status_account_id, status_account_name, status_changed_on, route, message_id,
                    identity, revision, payload_sha256, peppol_receiver, outside_sender_name, invoice_id)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?)
                """
        ).execute(
            arguments: [
                sequence, externalID, draft.senderPartyID, draft.receiverPartyID, draft.receiverReference,
                draft.receiverEmail, draft.subject, draft.templateID, time, time, status.status.code,
                status.status.name, status.userID, status.userEmail, status.accountID, status.accountName, time,
                draft.route.rawValue, "EM\(100000 + sequence)", draft.identity, draft.payloadSHA256,
                draft.peppolReceiver, draft.outsideSenderName, draft.invoiceID,
            ])
        try SQLitePlatformStore.writePayload(
            db.cachedStatement(sql: "INSERT INTO document_payload (seq, payload) VALUES (?, ?)"), [sequence, draft.payload])
        try SQLitePlatformStore.enqueueDelivery(db, draft, externalID: externalID, revision: 1)
        return (externalID, 1)
    }

    /// Runs a statement that writes a payload, then binds NULLs in place of its two arguments. A
    /// cached statement keeps its last arguments (GRDB) and its own copy of bound text (SQLite)
    /// until it runs again: the last document stored, up to 100 MiB, stayed held twice for as
    /// long as the process ran (an 80 MB one: 100 MB still resident after `malloc_trim`).
    private static func writePayload(_ statement: Statement, _ arguments: StatementArguments) throws {
        try statement.execute(arguments: arguments)
        try statement.setArguments([nil, nil])
    }

    // MARK: Peppol messages

    public func peppolMessage(id: String) async throws -> PeppolMessageRecord? {
        try await pool.read { db in try SQLitePlatformStore.peppolMessage(db, id: id) }
    }

    public func storeReceivedDocument(_ draft: DocumentDraft, message: PeppolMessageRecord, now: Date) async throws -> PeppolMessageRecord {
        try await documentWrites.write { db in
            if let earlier = try SQLitePlatformStore.peppolMessage(db, id: message.messageID) { return earlier }
            var record = message
            (record.externalID, record.revision) = try SQLitePlatformStore.storeDocument(db, draft, now: now)
            try SQLitePlatformStore.insertPeppolMessage(db, record, replacing: false)
            return record
        }
    }

    public func outboxDocument(senderPartyID: String, peppolReceiver: String, invoiceID: String) async throws -> StoredDocument? {
        try await pool.read { db in
            try Row.fetchOne(
                db,
                sql: """
                    \(SQLitePlatformStore.documentSelect) WHERE d.sender_party = ? AND d.peppol_receiver = ?
                        AND d.invoice_id = ? ORDER BY d.seq DESC LIMIT 1
                    """,
                arguments: [senderPartyID, peppolReceiver, invoiceID]
            ).map(SQLitePlatformStore.document)
        }
    }

    public func recordInvoiceResponse(_ record: PeppolMessageRecord, change: StatusChange?) async throws -> PeppolMessageRecord {
        try await pool.write { db in
            if let earlier = try SQLitePlatformStore.peppolMessage(db, id: record.messageID) { return earlier }
            try SQLitePlatformStore.insertPeppolMessage(db, record, replacing: false)
            if let change { try SQLitePlatformStore.updateStatus(db, externalID: record.externalID, change: change) }
            return record
        }
    }

    static func insertPeppolMessage(_ db: Database, _ record: PeppolMessageRecord, replacing: Bool) throws {
        try db.cachedStatement(
            sql: """
                INSERT INTO peppol_message (message_id, direction, external_id, revision, participant, receipt, recorded_on)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                \(replacing ? "ON CONFLICT (message_id) DO UPDATE SET external_id = excluded.external_id, revision = excluded.revision, receipt = excluded.receipt, recorded_on = excluded.recorded_on" : "")
                """
        ).execute(arguments: [
            record.messageID, record.direction.rawValue, record.externalID, record.revision, record.participant,
            Data(record.receipt), record.recordedOn.timeIntervalSince1970,
        ])
    }

    static func peppolMessage(_ db: Database, id: String) throws -> PeppolMessageRecord? {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM peppol_message WHERE message_id = ?"), arguments: [id]).map { row in
            PeppolMessageRecord(
                messageID: row["message_id"], direction: PeppolMessageRecord.Direction(rawValue: row["direction"]) ?? .sent,
                externalID: row["external_id"], revision: row["revision"], participant: row["participant"],
                receipt: Array(row["receipt"] as Data), recordedOn: Date(timeIntervalSince1970: row["recorded_on"]))
        }
    }

    public func document(externalID: String) async throws -> StoredDocument? {
        try await pool.read { db in try SQLitePlatformStore.document(db, externalID: externalID) }
    }

    public func documents(
        _ mailbox: Mailbox, partyID: String, filter: DocumentFilter, afterSequence: Int64, limit: Int
    ) async throws -> [StoredDocument] {
        try await pool.read { db in
            var conditions = [mailbox == .inbox ? "d.receiver_party = ?" : "d.sender_party = ?", "d.seq > ?"]
            var arguments: StatementArguments = [partyID, afterSequence]
            func add(_ condition: String, _ value: (any DatabaseValueConvertible)?) {
                guard let value else { return }
                conditions.append(condition)
                _ = arguments.append(contentsOf: [value])
            }
            add("d.external_id = ?", filter.externalID)
            add("d.subject = ?", filter.subject)
            add("d.created_on >= ?", filter.createdFrom?.timeIntervalSince1970)
            add("d.created_on <= ?", filter.createdTo?.timeIntervalSince1970)
            add("d.modified_on >= ?", filter.modifiedFrom?.timeIntervalSince1970)
            add("d.modified_on <= ?", filter.modifiedTo?.timeIntervalSince1970)
            add("(d.sender_party = ? OR s.name = ?)", filter.sender)
            if let sender = filter.sender { _ = arguments.append(contentsOf: [sender]) }
            add("(d.receiver_party = ? OR r.name = ?)", filter.receiver)
            if let receiver = filter.receiver { _ = arguments.append(contentsOf: [receiver]) }
            add("d.status_code = ?", filter.statusCode)
            add("d.template_id = ?", filter.templateID)
            _ = arguments.append(contentsOf: [limit])
            return try Row.fetchAll(
                db,
                sql: "\(SQLitePlatformStore.listingSelect) WHERE \(conditions.joined(separator: " AND ")) ORDER BY d.seq LIMIT ?",
                arguments: arguments
            ).map(SQLitePlatformStore.document)
        }
    }

    public func statusHistory(externalID: String) async throws -> [(revision: Int, change: StatusChange)] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM document_status WHERE external_id = ? ORDER BY id", arguments: [externalID]).map { row in
                (
                    row["revision"],
                    StatusChange(
                        status: DocumentStatus(code: row["status_code"], name: row["status_name"]), userID: row["status_user_id"],
                        userEmail: row["status_user_email"], accountID: row["status_account_id"], accountName: row["status_account_name"],
                        changedOn: Date(timeIntervalSince1970: row["changed_on"]), reason: row["status_reason"])
                )
            }
        }
    }

    public func setStatus(externalID: String, change: StatusChange) async throws -> StoredDocument? {
        try await pool.write { db in
            try SQLitePlatformStore.updateStatus(db, externalID: externalID, change: change)
            return try SQLitePlatformStore.document(db, externalID: externalID)
        }
    }

    private static func updateStatus(_ db: Database, externalID: String, change: StatusChange) throws {
        try db.cachedStatement(
            sql: """
                UPDATE document SET status_code = ?, status_name = ?, status_user_id = ?, status_user_email = ?,
                    status_account_id = ?, status_account_name = ?, status_changed_on = ?, status_reason = ?, modified_on = ?
                WHERE external_id = ?
                """
        ).execute(
            arguments: [
                change.status.code, change.status.name, change.userID, change.userEmail, change.accountID,
                change.accountName, change.changedOn.timeIntervalSince1970, change.reason, change.changedOn.timeIntervalSince1970,
                externalID,
            ])
    }

    // MARK: Outside deliveries

    /// Queues (again, for a revision) a document for a receiver outside the platform.
    static func enqueueDelivery(_ db: Database, _ draft: DocumentDraft, externalID: String, revision: Int) throws {
        guard let claimedUntil = draft.deliveryClaimedUntil else {
            try db.cachedStatement(sql: "DELETE FROM outside_delivery WHERE external_id = ?").execute(arguments: [externalID])
            return
        }
        try db.cachedStatement(
            sql: """
                INSERT INTO outside_delivery (external_id, revision, state, attempts, next_attempt_on)
                VALUES (?, ?, 'queued', 0, ?)
                ON CONFLICT (external_id) DO UPDATE SET revision = excluded.revision, state = 'queued', attempts = 0,
                    next_attempt_on = excluded.next_attempt_on, reason = NULL
                """
        ).execute(
            arguments: [externalID, revision, claimedUntil.timeIntervalSince1970])
    }

    public func queuedDeliveryCount() async throws -> Int {
        try await pool.read { db in
            try Int.fetchOne(db.cachedStatement(sql: "SELECT COUNT(*) FROM outside_delivery WHERE state = 'queued'"))!
        }
    }

    public func claimDueDeliveries(now: Date, claimUntil: Date, limit: Int) async throws -> [QueuedDelivery] {
        try await pool.write { db in
            let due = try Row.fetchAll(
                db,
                sql: """
                    SELECT external_id, revision, attempts FROM outside_delivery
                    WHERE state = 'queued' AND next_attempt_on <= ? ORDER BY next_attempt_on LIMIT ?
                    """,
                arguments: [now.timeIntervalSince1970, limit]
            ).map { QueuedDelivery(externalID: $0["external_id"], revision: $0["revision"], attempts: $0["attempts"]) }
            for delivery in due {
                try db.execute(
                    sql: "UPDATE outside_delivery SET next_attempt_on = ? WHERE external_id = ?",
                    arguments: [claimUntil.timeIntervalSince1970, delivery.externalID])
            }
            return due
        }
    }

    public func recordDelivery(_ delivery: QueuedDelivery, outcome: DeliveryOutcome) async throws {
        try await documentWrites.write { db in
            let (state, next, reason, change): (String, Date?, String?, StatusChange?) =
                switch outcome {
                case .delivered(let change, _): ("delivered", nil, nil, change)
                case .retry(let next, let reason): ("queued", next, reason, nil)
                case .failed(let change, let reason): ("failed", nil, reason, change)
                }
            // An earlier attempt's record with the same AS4 MessageId is replaced.
            if case .delivered(_, let proof?) = outcome { try SQLitePlatformStore.insertPeppolMessage(db, proof, replacing: true) }
            try db.cachedStatement(
                sql: """
                    UPDATE outside_delivery SET state = ?, attempts = attempts + 1,
                        next_attempt_on = COALESCE(?, next_attempt_on), reason = ?
                    WHERE external_id = ? AND revision = ?
                    """
            ).execute(
                arguments: [state, next?.timeIntervalSince1970, reason, delivery.externalID, delivery.revision])
            guard db.changesCount > 0, let change else { return }
            // Only a document still waiting: an Invoice Response may have set a later status
            // while a retry was under way.
            let waiting = try String.fetchOne(
                db.cachedStatement(sql: "SELECT status_code FROM document WHERE external_id = ?"), arguments: [delivery.externalID])
            guard waiting == DocumentStatus.inWachtrij.code else { return }
            try SQLitePlatformStore.updateStatus(db, externalID: delivery.externalID, change: change)
        }
    }

    // MARK: Rows

    /// A document from outside the platform has no sending organisation: its name is the one it
    /// arrived with.
    static let documentSelect = """
        SELECT d.*, p.payload, COALESCE(s.name, d.outside_sender_name, d.sender_party) AS sender_name, r.name AS receiver_name
        FROM document d JOIN document_payload p ON p.seq = d.seq
        LEFT JOIN organisation s ON s.party_id = d.sender_party
        LEFT JOIN organisation r ON r.party_id = d.receiver_party
        """

    /// A list leaves the payloads out: a page of 1,000 documents of up to 100 MiB each is never read.
    static let listingSelect = """
        SELECT d.seq, d.external_id, d.sender_party, d.receiver_party, d.receiver_reference, d.receiver_email,
            d.subject, d.template_id, d.created_on, d.modified_on, d.status_code, d.status_name, d.status_user_id,
            d.status_user_email, d.status_account_id, d.status_account_name, d.status_changed_on, d.status_reason, d.route,
            d.message_id, d.revision, '' AS payload, d.payload_sha256, d.peppol_receiver,
            COALESCE(s.name, d.outside_sender_name, d.sender_party) AS sender_name, r.name AS receiver_name FROM document d
        LEFT JOIN organisation s ON s.party_id = d.sender_party
        LEFT JOIN organisation r ON r.party_id = d.receiver_party
        """

    static func document(_ db: Database, externalID: String) throws -> StoredDocument? {
        try Row.fetchOne(db.cachedStatement(sql: "\(documentSelect) WHERE d.external_id = ?"), arguments: [externalID]).map(document)
    }

    static func document(_ row: Row) -> StoredDocument {
        StoredDocument(
            sequence: row["seq"], externalID: row["external_id"], senderPartyID: row["sender_party"],
            senderName: row["sender_name"], receiverPartyID: row["receiver_party"], receiverName: row["receiver_name"],
            receiverReference: row["receiver_reference"], receiverEmail: row["receiver_email"], subject: row["subject"],
            templateID: row["template_id"], createdOn: Date(timeIntervalSince1970: row["created_on"]),
            modifiedOn: Date(timeIntervalSince1970: row["modified_on"]),
            status: StatusChange(
                status: DocumentStatus(code: row["status_code"], name: row["status_name"]),
                userID: row["status_user_id"], userEmail: row["status_user_email"],
                accountID: row["status_account_id"], accountName: row["status_account_name"],
                changedOn: Date(timeIntervalSince1970: row["status_changed_on"]), reason: row["status_reason"]),
            route: DeliveryRoute(rawValue: row["route"]) ?? .toInbox, messageID: row["message_id"],
            revision: row["revision"], payload: row["payload"], payloadSHA256: row["payload_sha256"],
            peppolReceiver: row["peppol_receiver"])
    }

    /// The columns a record is read from, in the order its decoder reads them: every query that
    /// reads a record selects them in this order, so each record has one decoder, by position.
    private struct Layout {
        let columns: [String]
        /// The columns, for a query of the table alone.
        let list: String

        init(columns: [String]) {
            self.columns = columns
            list = columns.joined(separator: ", ")
        }

        static let account = Layout(columns: ["id", "name", "email", "subscription", "created_on"])
        static let connectionKey = Layout(columns: ["app_key", "party_id", "user_id", "email", "created_on", "revoked_on"])
        static let organisation = Layout(columns: [
            "party_id", "account_id", "name", "country", "kvk", "oin", "vat", "kbo", "verified", "created_on",
        ])
        static let user = Layout(columns: ["id", "account_id", "email", "role"])

        var count: Int { columns.count }

        /// The columns of the table named `alias` in the query.
        func qualified(_ alias: String) -> String { columns.map { "\(alias).\($0)" }.joined(separator: ", ") }
    }

    // Arguments are evaluated left to right: each `next()` reads the column after the last.

    private static func account(_ columns: inout Columns) -> Account {
        Account(
            id: columns.next(), name: columns.next(), email: columns.next(),
            subscription: Subscription(rawValue: columns.next()) ?? .free, createdOn: Date(timeIntervalSince1970: columns.next()))
    }

    private static func connectionKey(_ columns: inout Columns) -> ConnectionKey {
        ConnectionKey(
            appKey: columns.next(), partyID: columns.next(), userID: columns.next(), email: columns.next(),
            createdOn: Date(timeIntervalSince1970: columns.next()),
            revokedOn: (columns.nextOrNil() as Double?).map(Date.init(timeIntervalSince1970:)))
    }

    private static func organisation(_ columns: inout Columns) -> Organisation {
        Organisation(
            partyID: columns.next(), accountID: columns.next(), name: columns.next(), country: columns.next(),
            kvk: columns.nextOrNil(), oin: columns.nextOrNil(), vat: columns.nextOrNil(), kbo: columns.nextOrNil(),
            isVerified: columns.next(), createdOn: Date(timeIntervalSince1970: columns.next()))
    }

    private static func user(_ columns: inout Columns) -> User {
        User(id: columns.next(), accountID: columns.next(), email: columns.next(), role: UserRole(rawValue: columns.next()) ?? .user)
    }

    /// A record read from the first columns of `row`.
    static func account(_ row: Row) -> Account { decode(row, account) }
    static func connectionKey(_ row: Row) -> ConnectionKey { decode(row, connectionKey) }
    static func organisation(_ row: Row) -> Organisation { decode(row, organisation) }
    static func user(_ row: Row) -> User { decode(row, user) }

    private static func decode<Record>(_ row: Row, _ record: (inout Columns) -> Record) -> Record {
        var columns = Columns(row)
        return record(&columns)
    }

    // MARK: Portal sign-in

    public func setPasswordHash(userID: String, hash: String?) async throws {
        try await pool.write { db in
            try db.execute(sql: "UPDATE user SET password_hash = ? WHERE id = ?", arguments: [hash, userID])
        }
    }

    public func passwordHolders(email: String) async throws -> [(user: User, hash: String)] {
        try await pool.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT \(Layout.user.list), password_hash FROM user
                    WHERE email = ? COLLATE NOCASE AND removed_on IS NULL AND password_hash IS NOT NULL
                    ORDER BY account_id
                    """,
                arguments: [email]
            ).map { (SQLitePlatformStore.user($0), $0["password_hash"]) }
        }
    }

    public func insertPortalSession(_ session: PortalSessionRecord) async throws {
        try await pool.write { db in
            try db.execute(
                sql: "INSERT INTO portal_session (id_hash, user_id, csrf_token, created_on, expires_on) VALUES (?, ?, ?, ?, ?)",
                arguments: [
                    Data(session.idHash), session.userID, session.csrfToken, session.createdOn.timeIntervalSince1970,
                    session.expiresOn.timeIntervalSince1970,
                ])
        }
    }

    public func portalSession(idHash: [UInt8]) async throws -> (session: PortalSessionRecord, user: User)? {
        try await pool.read { db in
            try Row.fetchOne(
                db,
                sql: """
                    SELECT \(Layout.user.qualified("u")), s.id_hash, s.csrf_token, s.created_on, s.expires_on FROM portal_session s
                    JOIN user u ON u.id = s.user_id WHERE s.id_hash = ? AND u.removed_on IS NULL
                    """,
                arguments: [Data(idHash)]
            ).map { row in
                let user = SQLitePlatformStore.user(row)
                let session = PortalSessionRecord(
                    idHash: [UInt8](row["id_hash"] as Data), userID: user.id, csrfToken: row["csrf_token"],
                    createdOn: Date(timeIntervalSince1970: row["created_on"]), expiresOn: Date(timeIntervalSince1970: row["expires_on"]))
                return (session, user)
            }
        }
    }

    public func deletePortalSession(idHash: [UInt8]) async throws {
        try await pool.write { db in try db.execute(sql: "DELETE FROM portal_session WHERE id_hash = ?", arguments: [Data(idHash)]) }
    }

    public func deletePortalSessions(userID: String) async throws {
        try await pool.write { db in try db.execute(sql: "DELETE FROM portal_session WHERE user_id = ?", arguments: [userID]) }
    }

    public func deleteExpiredPortalSessions(now: Date) async throws -> Int {
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM portal_session WHERE expires_on <= ?", arguments: [now.timeIntervalSince1970])
            return db.changesCount
        }
    }
}
