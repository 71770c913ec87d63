import Foundation
import HummingbirdBcrypt
import NIOPosix

/// A person signed in to the portal: who, in which account, and the token every form of their
/// session carries.
public struct PortalUser: Sendable, Equatable {
    public var user: User
    public var account: Account
    public var csrfToken: String
    public var isAdministrator: Bool { user.role == .administrator }
}

/// The portal's rules: accounts signed up with a password, sign-in with e-mail and password
/// (bcrypt, throttled, never saying which of the two was wrong), server-side sessions, and every
/// lookup bound to the signed-in user's account, so another account's things are "not found".
extension PlatformService {
    /// How long a portal session lasts without signing in again.
    public static let portalSessionLifetime: TimeInterval = 8 * 3600
    public static let minimumPasswordLength = 10
    /// bcrypt's cost: 2^11 rounds, about 0.1 s here — slow for a guesser, quick enough for a person.
    static let passwordCost: UInt8 = 11

    /// A new account whose e-mail is its first administrator, with this password; returns the new
    /// session's id (the cookie's value).
    public func signUp(
        accountName: String, email: String, password: String, subscription: Subscription
    ) async throws -> (
        account: Account, sessionID: String
    ) {
        try Self.checkNewPassword(password)
        try await refuseSecondSignIn(email: email, for: nil)
        let account = try await createAccount(name: accountName, email: email, subscription: subscription)
        guard let user = try await store.user(accountID: account.id, email: email.trimmed) else {
            throw PlatformError.notFound(kind: "user", id: email.trimmed)
        }
        try await store.setPasswordHash(userID: user.id, hash: await Self.hashPassword(password))
        return (account, try await startPortalSession(for: user))
    }

    /// Signs in with e-mail and password; returns the new session's id. Failures are counted per
    /// e-mail address and per client address, and past the limit the attempt is refused unchecked.
    public func signIn(email: String, password: String, clientAddress: String) async throws -> String {
        let email = email.trimmed
        let now = clock()
        let throttleKey = "portal:" + email.lowercased()
        if let wait = signInThrottle.admit(appKey: throttleKey, address: clientAddress, now: now) {
            throw PlatformError.tooManyFailedLogins(retryAfter: wait)
        }
        // An e-mail address signs in to one account (see refuseSecondSignIn), so this is one bcrypt
        // check whether or not the address is known: timing tells nothing.
        let holder = Self.looksLikeEmail(email) ? try await store.passwordHolders(email: email).first : nil
        if await Self.verifyPassword(password, hash: holder?.hash ?? Self.decoyHash), let user = holder?.user {
            signInThrottle.succeeded(appKey: throttleKey, address: clientAddress, now: now)
            return try await startPortalSession(for: user)
        }
        configuration.logger.notice(
            "portal sign-in failed", metadata: ["address": "\(clientAddress)", "code": "\(PlatformError.Code.signInFailed)"])
        throw PlatformError.signInFailed
    }

    /// Who a session cookie stands for; `signInFailed` when it is unknown or expired.
    public func portalUser(sessionID: String?) async throws -> PortalUser {
        guard let sessionID, !sessionID.isEmpty, sessionID.utf8.count <= 128,
            let (session, user) = try await store.portalSession(idHash: Secrets.hash(sessionID)),
            session.expiresOn > clock(),
            let account = try await store.account(id: user.accountID)
        else { throw PlatformError.signInFailed }
        return PortalUser(user: user, account: account, csrfToken: session.csrfToken)
    }

    public func signOut(sessionID: String) async throws {
        try await store.deletePortalSession(idHash: Secrets.hash(sessionID))
    }

    /// Changes the password after checking the current one; every session of the user ends, and
    /// the new session's id is returned.
    public func changePassword(_ portalUser: PortalUser, current: String, new: String) async throws -> String {
        try Self.checkNewPassword(new)
        // Guessing the current password through a session is throttled as signing in is.
        let now = clock()
        let throttleKey = "portal:" + portalUser.user.email.lowercased()
        if let wait = signInThrottle.admit(appKey: throttleKey, address: "session", now: now) {
            throw PlatformError.tooManyFailedLogins(retryAfter: wait)
        }
        let holders = try await store.passwordHolders(email: portalUser.user.email)
        guard let holder = holders.first(where: { $0.user.id == portalUser.user.id }),
            await Self.verifyPassword(current, hash: holder.hash)
        else { throw PlatformError.invalidInput(field: "current password", reason: "is not right") }
        signInThrottle.succeeded(appKey: throttleKey, address: "session", now: now)
        try await store.setPasswordHash(userID: portalUser.user.id, hash: await Self.hashPassword(new))
        try await store.deletePortalSessions(userID: portalUser.user.id)
        return try await startPortalSession(for: portalUser.user)
    }

    /// Sets a user's portal password, as the operator does for a first administrator or a user who
    /// lost theirs; every session of the user ends.
    public func setPassword(accountID: String, email: String, password: String) async throws {
        try Self.checkNewPassword(password)
        guard let user = try await store.user(accountID: accountID, email: email.trimmed) else {
            throw PlatformError.notFound(kind: "user", id: email.trimmed)
        }
        try await refuseSecondSignIn(email: email, for: user.id)
        try await store.setPasswordHash(userID: user.id, hash: await Self.hashPassword(password))
        try await store.deletePortalSessions(userID: user.id)
    }

    /// Adds a user to the signed-in administrator's account with a first password they change.
    public func inviteUser(_ portalUser: PortalUser, email: String, role: UserRole, password: String) async throws -> User {
        guard portalUser.isAdministrator else { throw PlatformError.notAllowed("invite users") }
        try Self.checkNewPassword(password)
        try await refuseSecondSignIn(email: email, for: nil)
        let user = try await addUser(accountID: portalUser.account.id, email: email, role: role)
        try await store.setPasswordHash(userID: user.id, hash: await Self.hashPassword(password))
        return user
    }

    public func removeUser(_ portalUser: PortalUser, email: String) async throws {
        guard portalUser.isAdministrator else { throw PlatformError.notAllowed("remove users") }
        try await removeUser(accountID: portalUser.account.id, email: email)
    }

    /// Deletes the portal sessions that have expired; `serve` does this on a schedule.
    @discardableResult
    public func purgeExpiredPortalSessions() async throws -> Int {
        try await store.deleteExpiredPortalSessions(now: clock())
    }

    // MARK: Bound to the signed-in account

    /// The account's organisation; another account's is "not found", as if it did not exist.
    public func organisation(_ portalUser: PortalUser, partyID: String) async throws -> Organisation {
        guard let organisation = try await store.organisation(partyID: partyID), organisation.accountID == portalUser.account.id
        else { throw PlatformError.notFound(kind: "organisation", id: partyID) }
        return organisation
    }

    public func createOrganisation(
        _ portalUser: PortalUser, name: String, country: String, kvk: String?, oin: String?, vat: String?, kbo: String?
    ) async throws -> Organisation {
        guard portalUser.isAdministrator else { throw PlatformError.notAllowed("add organisations") }
        // Unverified until the operator has checked the numbers: a visitor could type anyone's KvK.
        return try await createOrganisation(
            accountID: portalUser.account.id, name: name, country: country, kvk: kvk, oin: oin, vat: vat, kbo: kbo, isVerified: false)
    }

    public func updateOrganisation(
        _ portalUser: PortalUser, partyID: String, name: String, kvk: String?, oin: String?, vat: String?, kbo: String?
    ) async throws -> Organisation {
        guard portalUser.isAdministrator else { throw PlatformError.notAllowed("change organisations") }
        let organisation = try await organisation(portalUser, partyID: partyID)
        return try await updateOrganisation(partyID: organisation.partyID, name: name, kvk: kvk, oin: oin, vat: vat, kbo: kbo)
    }

    public func createConnectionKey(_ portalUser: PortalUser, partyID: String) async throws -> (key: ConnectionKey, secret: String) {
        guard portalUser.isAdministrator else { throw PlatformError.notAllowed("create connection keys") }
        let organisation = try await organisation(portalUser, partyID: partyID)
        return try await createConnectionKey(partyID: organisation.partyID, email: portalUser.user.email)
    }

    public func revokeConnectionKey(_ portalUser: PortalUser, partyID: String, appKey: String) async throws {
        guard portalUser.isAdministrator else { throw PlatformError.notAllowed("revoke connection keys") }
        let organisation = try await organisation(portalUser, partyID: partyID)
        guard try await store.connectionKeys(partyID: organisation.partyID).contains(where: { $0.appKey == appKey }) else {
            throw PlatformError.notFound(kind: "connection key", id: appKey)
        }
        try await revokeConnectionKey(appKey: appKey)
    }

    /// The rights of the signed-in user over one organisation's mailboxes, as the API's keys have
    /// them over theirs: the document calls of the service then apply unchanged.
    public func mailboxSession(_ portalUser: PortalUser, partyID: String) async throws -> Session {
        Session(
            appKey: "portal", organisation: try await organisation(portalUser, partyID: partyID), account: portalUser.account,
            user: portalUser.user)
    }

    // MARK: Passwords

    /// An e-mail address signs in to one account only: a sign-in then means one account, and
    /// nobody can crowd out another's sign-in by making accounts with their address. (The API's
    /// users, without a password, may be in several.)
    private func refuseSecondSignIn(email: String, for userID: String?) async throws {
        let holders = try await store.passwordHolders(email: email.trimmed)
        guard holders.allSatisfy({ $0.user.id == userID }) else {
            throw PlatformError.invalidInput(field: "email", reason: "'\(email.trimmed)' already signs in to an account of this platform")
        }
    }

    private func startPortalSession(for user: User) async throws -> String {
        let id = Secrets.hex(bytes: 32)
        let now = clock()
        try await store.insertPortalSession(
            PortalSessionRecord(
                idHash: Secrets.hash(id), userID: user.id, csrfToken: Secrets.hex(bytes: 32), createdOn: now,
                expiresOn: now.addingTimeInterval(Self.portalSessionLifetime)))
        return id
    }

    static func checkNewPassword(_ password: String) throws {
        guard password.count >= minimumPasswordLength else {
            throw PlatformError.invalidInput(field: "password", reason: "needs at least \(minimumPasswordLength) characters")
        }
        // bcrypt stops at the first NUL: "\0xxxxxxxxx" would be the empty password. No control
        // character belongs in a password anyway.
        guard !password.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
            throw PlatformError.invalidInput(field: "password", reason: "may not hold control characters")
        }
        // bcrypt reads at most 72 bytes; a longer password would be cut without a word.
        guard password.utf8.count <= 72 else {
            throw PlatformError.invalidInput(field: "password", reason: "may have at most 72 bytes")
        }
    }

    /// A hash no password matches in practice, checked when the e-mail is unknown.
    static let decoyHash = Bcrypt.hash(Secrets.hex(bytes: 16), cost: passwordCost)

    static func hashPassword(_ password: String) async -> String {
        (try? await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(password, cost: passwordCost) })
            ?? Bcrypt.hash(password, cost: passwordCost)
    }

    static func verifyPassword(_ password: String, hash: String) async -> Bool {
        // Longer than bcrypt reads, or cut short by a NUL: refused rather than compared on a prefix.
        guard password.utf8.count <= 72, !password.utf8.contains(0) else { return false }
        return (try? await NIOThreadPool.singleton.runIfActive { Bcrypt.verify(password, hash: hash) }) ?? false
    }
}
