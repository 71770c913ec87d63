import Foundation

/// What every `PlatformStore` engine enforces in its schema, and how it says so: the refusals
/// the databases make are turned into the same `PlatformError`s on every engine.
public enum StoreContract {
    /// Makes the registry numbers' indexes unique (migration v6), the same statements on every
    /// engine; run ``refuseDuplicateRegistrations(_:)`` first.
    public static let uniqueRegistryIndexes = RegistryColumn.allCases.map {
        "DROP INDEX \($0.uniqueIndex); CREATE UNIQUE INDEX \($0.uniqueIndex) ON organisation(\($0.rawValue));"
    }.joined(separator: "\n")

    /// Migration v10: a registry number is unique among *verified* organisations only, so nobody
    /// can squat a company's number by registering it first; routing and the SMP find only
    /// verified organisations by number. `verifiedIs` is the engine's test of the column.
    public static func verifiedRegistryIndexes(verifiedIs: String) -> String {
        RegistryColumn.allCases.map {
            "DROP INDEX \($0.uniqueIndex); CREATE UNIQUE INDEX \($0.uniqueIndex) ON organisation(\($0.rawValue)) WHERE \(verifiedIs);"
        }.joined(separator: "\n")
    }

    /// The indexes of the document table, the same on every engine (PostgreSQL makes them with
    /// the table; SQLite makes them again when v6 rebuilds it).
    public static let documentIndexes = """
        CREATE UNIQUE INDEX document_identity ON document(sender_party, identity);
        CREATE INDEX document_outbox ON document(sender_party, seq);
        CREATE INDEX document_inbox ON document(receiver_party, seq);
        CREATE INDEX document_inbox_created ON document(receiver_party, created_on);
        CREATE INDEX document_inbox_modified ON document(receiver_party, modified_on);
        CREATE INDEX document_outbox_created ON document(sender_party, created_on);
        CREATE INDEX document_outbox_modified ON document(sender_party, modified_on);
        """

    /// Migration v7, the same on every engine: a document keeps its own number (`cbc:ID`) in a
    /// column, so an Invoice Response finds the invoice it answers by that number exactly. The
    /// identity it was cut from before (`number|date|…`) cannot tell `A` from `A|1`.
    public static let invoiceIDColumn = """
        ALTER TABLE document ADD COLUMN invoice_id TEXT;
        UPDATE document SET invoice_id = substr(identity, 1, instr(identity, '|') - 1)
            WHERE identity NOT LIKE 'peppol:%' AND identity NOT LIKE 'response:%' AND instr(identity, '|') > 0;
        CREATE INDEX document_answered ON document(sender_party, peppol_receiver, invoice_id);
        """

    /// Migration v8, the portal: a password hash per user, sessions kept in the store, and the
    /// mailboxes filtered by status or subject through an index (without one, a filter that matches
    /// little reads every document of the mailbox: 0.5 s at 100,000).
    /// `userTable` is the user table's name on the engine, `bytes` and `time` its column types.
    public static func portal(userTable: String, bytes: String, time: String) -> String {
        """
        ALTER TABLE \(userTable) ADD COLUMN password_hash TEXT;
        CREATE TABLE portal_session (
            id_hash \(bytes) PRIMARY KEY, user_id TEXT NOT NULL REFERENCES \(userTable)(id),
            csrf_token TEXT NOT NULL, created_on \(time) NOT NULL, expires_on \(time) NOT NULL);
        CREATE INDEX portal_session_user ON portal_session(user_id);
        CREATE INDEX portal_session_expiry ON portal_session(expires_on);
        CREATE INDEX document_inbox_status ON document(receiver_party, status_code, seq);
        CREATE INDEX document_outbox_status ON document(sender_party, status_code, seq);
        CREATE INDEX document_inbox_subject ON document(receiver_party, subject, seq);
        CREATE INDEX document_outbox_subject ON document(sender_party, subject, seq);
        """
    }

    /// Migration v9: every status a document has had, who set it and when, in `document_status`.
    /// Written by the database's triggers on every insert and status change of `document`, so no
    /// code path can change a status without leaving its record; the current statuses are the
    /// first entries. `serial`, `time` and the trigger bodies are the engine's.
    static let statusHistoryColumns =
        "external_id, revision, status_code, status_name, status_user_id, status_user_email, status_account_id, status_account_name, changed_on"
    static let statusHistoryValues =
        "NEW.external_id, NEW.revision, NEW.status_code, NEW.status_name, NEW.status_user_id, NEW.status_user_email, NEW.status_account_id, NEW.status_account_name, NEW.status_changed_on"

    public static let sqliteStatusHistory = """
        CREATE TABLE document_status (
            id INTEGER PRIMARY KEY AUTOINCREMENT, external_id TEXT NOT NULL, revision INTEGER NOT NULL,
            status_code TEXT NOT NULL, status_name TEXT NOT NULL, status_user_id TEXT, status_user_email TEXT,
            status_account_id TEXT, status_account_name TEXT, changed_on REAL NOT NULL);
        CREATE INDEX document_status_document ON document_status(external_id, id);
        INSERT INTO document_status (\(statusHistoryColumns))
            SELECT external_id, revision, status_code, status_name, status_user_id, status_user_email, status_account_id,
                status_account_name, status_changed_on FROM document ORDER BY seq;
        \(sqliteHistoryTriggers(columns: statusHistoryColumns, values: statusHistoryValues))
        """

    /// SQLite's triggers that record each status of a document in `document_status`.
    static func sqliteHistoryTriggers(columns: String, values: String) -> String {
        """
        CREATE TRIGGER document_status_inserted AFTER INSERT ON document
            BEGIN INSERT INTO document_status (\(columns)) VALUES (\(values)); END;
        CREATE TRIGGER document_status_changed AFTER UPDATE OF status_code, status_changed_on, revision ON document
            WHEN NEW.status_code IS NOT OLD.status_code OR NEW.status_changed_on IS NOT OLD.status_changed_on
                OR NEW.revision IS NOT OLD.revision
            BEGIN INSERT INTO document_status (\(columns)) VALUES (\(values)); END;
        """
    }

    public static let postgresStatusHistory = """
        CREATE TABLE document_status (
            id BIGSERIAL PRIMARY KEY, external_id TEXT NOT NULL, revision INTEGER NOT NULL,
            status_code TEXT NOT NULL, status_name TEXT NOT NULL, status_user_id TEXT, status_user_email TEXT,
            status_account_id TEXT, status_account_name TEXT, changed_on DOUBLE PRECISION NOT NULL);
        CREATE INDEX document_status_document ON document_status(external_id, id);
        INSERT INTO document_status (\(statusHistoryColumns))
            SELECT external_id, revision, status_code, status_name, status_user_id, status_user_email, status_account_id,
                status_account_name, status_changed_on FROM document ORDER BY seq;
        CREATE FUNCTION document_status_record() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN INSERT INTO document_status (\(statusHistoryColumns)) VALUES (\(statusHistoryValues)); RETURN NEW; END $$;
        CREATE TRIGGER document_status_inserted AFTER INSERT ON document
            FOR EACH ROW EXECUTE FUNCTION document_status_record();
        CREATE TRIGGER document_status_changed AFTER UPDATE OF status_code, status_changed_on, revision ON document
            FOR EACH ROW WHEN (NEW.status_code IS DISTINCT FROM OLD.status_code OR NEW.status_changed_on IS DISTINCT FROM OLD.status_changed_on
                OR NEW.revision IS DISTINCT FROM OLD.revision)
            EXECUTE FUNCTION document_status_record();
        """

    /// Migration v11: a status may carry the reason it was set (Afgewezen and why), on the document
    /// and in its history; the triggers of v9 are made again to copy it. Invoice Responses get
    /// their own template.
    static let reasonHistoryColumns = statusHistoryColumns + ", status_reason"
    static let reasonHistoryValues = statusHistoryValues + ", NEW.status_reason"

    /// Invoice Responses sent before v11 move to their own template.
    static let responsesTemplate =
        "UPDATE document SET template_id = '\(Template.factuurreactie.id)' WHERE identity LIKE 'response:%';"

    public static let sqliteStatusReason = """
        \(responsesTemplate)
        ALTER TABLE document ADD COLUMN status_reason TEXT;
        ALTER TABLE document_status ADD COLUMN status_reason TEXT;
        DROP TRIGGER document_status_inserted;
        DROP TRIGGER document_status_changed;
        \(sqliteHistoryTriggers(columns: reasonHistoryColumns, values: reasonHistoryValues))
        """

    public static let postgresStatusReason = """
        \(responsesTemplate)
        ALTER TABLE document ADD COLUMN status_reason TEXT;
        ALTER TABLE document_status ADD COLUMN status_reason TEXT;
        CREATE OR REPLACE FUNCTION document_status_record() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN INSERT INTO document_status (\(reasonHistoryColumns)) VALUES (\(reasonHistoryValues)); RETURN NEW; END $$;
        """

    /// An organisation's registry numbers, as an upgrade checks them before making them unique.
    public struct Registration: Sendable {
        public var partyID: String
        public var numbers: [RegistryColumn: String]

        public init(partyID: String, kvk: String?, oin: String?, vat: String?, kbo: String?) {
            self.partyID = partyID
            var numbers: [RegistryColumn: String] = [:]
            numbers[.kvk] = kvk
            numbers[.oin] = oin
            numbers[.vat] = vat
            numbers[.kbo] = kbo
            self.numbers = numbers
        }
    }

    /// Refuses to make registry numbers unique while two organisations share one (registered by
    /// two instances at once before the indexes were unique): the operator decides which keeps it.
    public static func refuseDuplicateRegistrations(_ registrations: [Registration]) throws {
        var holders: [String: [String]] = [:]
        for registration in registrations {
            for (column, number) in registration.numbers {
                holders["\(column.rawValue) \(number)", default: []].append(registration.partyID)
            }
        }
        let shared = holders.filter { $0.value.count > 1 }.sorted { $0.key < $1.key }
        guard shared.isEmpty else {
            throw PlatformError.conflictingRecords(
                "organisations share a registry number, which must be unique from this version on: "
                    + shared.map { "\($0.key) (\($0.value.joined(separator: ", ")))" }.joined(separator: "; ")
                    + "; change or clear the number on all but one of them, then start again")
        }
    }

    public static func alreadyRegistered(_ column: RegistryColumn, value: String, to partyID: String?) -> PlatformError {
        .invalidInput(field: column.rawValue, reason: "'\(value)' is already registered to \(partyID ?? "another organisation")")
    }

    public static func userExists(_ email: String) -> PlatformError {
        .invalidInput(field: "email", reason: "'\(email)' is already a user of this account")
    }

    public static func lastAdministrator(_ email: String) -> PlatformError {
        .invalidInput(field: "email", reason: "'\(email)' is the account's last administrator; make another user administrator first")
    }
}

extension OrganisationDraft {
    public subscript(column: RegistryColumn) -> String? {
        switch column {
        case .kvk: kvk
        case .oin: oin
        case .vat: vat
        case .kbo: kbo
        }
    }
}

extension User {
    /// A user not yet stored, with a new id.
    public static func new(accountID: String, email: String, role: UserRole) -> User {
        User(
            id: "USR" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased(),
            accountID: accountID, email: email, role: role)
    }
}
