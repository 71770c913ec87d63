import EInvoice

/// The portal's words in Dutch, and in English as the second language. Templates read them as
/// `{{t.key}}`; the pages' own code through `Texts.subscript`. A test checks that both languages
/// have every key the templates use.
struct Texts: Sendable {
    let language: InvoiceWords.Language
    let words: [String: String]

    init(_ language: InvoiceWords.Language) {
        self.language = language
        // The invoice's own labels are the PDF's, from EInvoice.
        words = (language == .dutch ? Self.dutch : Self.english).merging(InvoiceWords(language: language).labels) { own, _ in own }
    }

    subscript(_ key: String) -> String { words[key] ?? key }

    static let dutch: [String: String] = [
        "language": "nl", "otherLanguage": "en", "otherLanguageName": "English", "skip": "Naar de inhoud", "mainMenu": "Hoofdmenu",
        "organisations": "Organisaties", "users": "Gebruikers", "validate": "Valideren", "password": "Wachtwoord",
        "signOut": "Afmelden", "signIn": "Aanmelden", "signUp": "Account aanmaken", "email": "E-mailadres",
        "passwordLabel": "Wachtwoord", "noAccountYet": "Nog geen account?", "accountName": "Naam van het account (uw bedrijf)",
        "adminEmail": "E-mailadres van de beheerder", "newPasswordLabel": "Wachtwoord (minstens 10 tekens)",
        "subscription": "Abonnement", "organisationsOf": "Organisaties van", "name": "Naam", "bedrijfsID": "Bedrijfs-ID",
        "country": "Land", "registrations": "Registraties", "documents": "Documenten",
        "noOrganisations": "Dit account heeft nog geen organisaties.", "addOrganisation": "Organisatie toevoegen",
        "countryField": "Land (NL of BE)", "kvk": "KvK-nummer", "vat": "Btw-nummer", "kbo": "KBO-nummer (België)",
        "editOrganisation": "Gegevens wijzigen", "save": "Opslaan", "connectionKeys": "Verbindingssleutels",
        "keysExplained": "Met een App Key en Secret verbindt een boekhoudpakket zich met dit platform (stap 1 van de installatiehandleiding).",
        "keysOf": "Sleutels van", "madeBy": "Gemaakt door", "madeOn": "Gemaakt op", "status": "Status", "action": "Actie",
        "revoke": "Intrekken", "noKeys": "Nog geen sleutels.", "createKey": "Nieuwe verbindingssleutel maken",
        "secretOnce": "Let op: het Secret wordt maar één keer getoond. Kopieer het nu; daarna is alleen nog de App Key zichtbaar.",
        "quickConnect": "Quick Connect-tekst (plak deze in de e-factureringsinstellingen van uw boekhoudpakket)",
        "copy": "Kopiëren", "copied": "Gekopieerd", "backTo": "Terug naar", "inbox": "Inbox", "outbox": "Outbox",
        "subjectExact": "Onderwerp (precies)", "all": "alle", "search": "Zoeken", "subject": "Onderwerp", "received": "Ontvangen",
        "noDocuments": "Geen documenten.", "nextPage": "Volgende pagina", "route": "Route", "downloadXML": "XML downloaden",
        "downloadPDF": "PDF downloaden", "timeline": "Statusverloop", "setStatus": "Status zetten", "newStatus": "Nieuwe status",
        "creditNotice": "Creditnota: dit bedrag hoeft niet betaald te worden; het is te ontvangen.", "supplier": "Leverancier",
        "customer": "Klant", "lines": "Regels", "category": "Categorie", "taxable": "Grondslag", "totals": "Totalen",
        "notAnInvoice": "Dit document is geen factuur of creditnota die hier getoond kan worden.", "validation": "Validatie",
        "ruleSet": "regelset", "findings": "Bevindingen", "rule": "Regel", "severity": "Ernst", "location": "Plaats",
        "message": "Melding", "line": "regel",
        "validateExplained":
            "Upload een UBL-factuur of -creditnota (SI-UBL 2.0, Peppol BIS 3 of EN 16931). Het bestand wordt alleen gecontroleerd, niet bewaard.",
        "ublFile": "UBL-bestand", "ruleSetLabel": "Regelset", "result": "Resultaat", "usersOf": "Gebruikers van", "role": "Rol",
        "remove": "Verwijderen", "inviteUser": "Gebruiker uitnodigen", "roleUser": "gebruiker", "roleAdministrator": "beheerder",
        "firstPassword": "Eerste wachtwoord (de gebruiker wijzigt het na het aanmelden)", "invite": "Uitnodigen",
        "currentPassword": "Huidig wachtwoord", "changePassword": "Wachtwoord wijzigen", "home": "Naar het begin",
        // Titles, states and messages the pages' code uses.
        "newKey": "Nieuwe verbindingssleutel", "inboxOf": "Inbox van", "outboxOf": "Outbox van", "sender": "Afzender",
        "receiver": "Ontvanger", "failed": "Niet gelukt", "notFound": "Niet gevonden", "tooLarge": "Te groot",
        "pageNotFound": "Deze pagina bestaat niet.", "notAForm": "Dit formulier is niet als formulier verstuurd.",
        "formExpired": "Het formulier is verlopen of niet van deze site. Laad de pagina opnieuw.",
        "formTooLarge": "Het formulier is te groot (een bestand mag tot 20 MiB zijn).",
        "busy": "Er worden nu te veel bestanden gecontroleerd. Probeer het zo opnieuw.", "chooseFile": "kies een UBL-bestand",
        "file": "bestand", "notXML": "Dit is geen leesbaar XML-document.", "valid": "Geldig", "withWarnings": "waarschuwing(en)",
        "with": "met", "invalid": "Ongeldig", "fatalFindings": "fatale bevinding(en)", "fatal": "fataal", "warning": "waarschuwing",
        "active": "actief", "revokedOn": "ingetrokken op", "signInFailed": "Het e-mailadres of het wachtwoord klopt niet.",
        "tooManyAttempts": "Te veel mislukte pogingen. Probeer het opnieuw over (seconden):", "revision": "revisie",
        "routeInbox": "op het platform, naar de inbox van", "routeEmail": "per e-mail naar", "routePeppol": "over Peppol naar",
        "ruleSetAuto": "volgens CustomizationID", "ruleSetGAccount": "SI-UBL 2.0 G-rekening",
        "free": "Gratis (alleen het portaal)", "basic": "Basic (portaal en API)",
        "reason": "Reden", "reasonHint": "Nodig bij Afgewezen: de afzender leest wat er aan de factuur moet veranderen.",
        "peppolOff": "Dit platform is niet met het Peppol-netwerk verbonden.",
        "peppolPublished": "De SMP van dit platform publiceert deze organisatie voor de documenten hieronder als",
        "peppolNotPublished":
            "Deze organisatie staat nog niet in de SMP: dat gebeurt zodra ze gecontroleerd is en een KvK-, OIN-, btw- of KBO-nummer heeft.",
        "verification": "Controle", "verified": "Gecontroleerd: wordt op de registratienummers gevonden en mag versturen.",
        "notVerified":
            "Nog niet gecontroleerd: het platform controleert de registratienummers voordat anderen deze organisatie erop vinden en voordat ze documenten verstuurt.",
    ]

    static let english: [String: String] = [
        "language": "en", "otherLanguage": "nl", "otherLanguageName": "Nederlands", "skip": "Skip to content", "mainMenu": "Main menu",
        "organisations": "Organisations", "users": "Users", "validate": "Validate", "password": "Password", "signOut": "Sign out",
        "signIn": "Sign in", "signUp": "Create an account", "email": "E-mail address", "passwordLabel": "Password",
        "noAccountYet": "No account yet?", "accountName": "Account name (your company)", "adminEmail": "Administrator's e-mail address",
        "newPasswordLabel": "Password (at least 10 characters)", "subscription": "Subscription", "organisationsOf": "Organisations of",
        "name": "Name", "bedrijfsID": "Bedrijfs-ID", "country": "Country", "registrations": "Registrations", "documents": "Documents",
        "noOrganisations": "This account has no organisations yet.", "addOrganisation": "Add an organisation",
        "countryField": "Country (NL or BE)", "kvk": "KvK number (Dutch Chamber of Commerce)", "vat": "VAT number",
        "kbo": "KBO number (Belgium)", "editOrganisation": "Change details", "save": "Save", "connectionKeys": "Connection keys",
        "keysExplained": "With an App Key and Secret an accounting package connects to this platform (step 1 of the setup guide).",
        "keysOf": "Keys of", "madeBy": "Made by", "madeOn": "Made on", "status": "Status", "action": "Action", "revoke": "Revoke",
        "noKeys": "No keys yet.", "createKey": "Create a connection key",
        "secretOnce": "Note: the Secret is shown only once. Copy it now; afterwards only the App Key is shown.",
        "quickConnect": "Quick Connect text (paste it into your accounting package's e-invoicing settings)", "copy": "Copy",
        "copied": "Copied", "backTo": "Back to", "inbox": "Inbox", "outbox": "Outbox", "subjectExact": "Subject (exact)", "all": "all",
        "search": "Search", "subject": "Subject", "received": "Received", "noDocuments": "No documents.", "nextPage": "Next page",
        "route": "Route", "downloadXML": "Download XML", "downloadPDF": "Download PDF", "timeline": "Status history",
        "setStatus": "Set status", "newStatus": "New status",
        "creditNotice": "Credit note: this amount is not to be paid; it is to be received.", "supplier": "Supplier",
        "customer": "Customer", "lines": "Lines", "category": "Category", "taxable": "Taxable amount",
        "totals": "Totals", "notAnInvoice": "This document is not an invoice or credit note that can be shown here.",
        "validation": "Validation", "ruleSet": "rule set", "findings": "Findings", "rule": "Rule", "severity": "Severity",
        "location": "Location", "message": "Message", "line": "line",
        "validateExplained":
            "Upload a UBL invoice or credit note (SI-UBL 2.0, Peppol BIS 3 or EN 16931). The file is only checked, never stored.",
        "ublFile": "UBL file", "ruleSetLabel": "Rule set", "result": "Result", "usersOf": "Users of", "role": "Role",
        "remove": "Remove", "inviteUser": "Invite a user", "roleUser": "user", "roleAdministrator": "administrator",
        "firstPassword": "First password (the user changes it after signing in)", "invite": "Invite",
        "currentPassword": "Current password", "changePassword": "Change password", "home": "Go to the start",
        "newKey": "New connection key", "inboxOf": "Inbox of", "outboxOf": "Outbox of", "sender": "Sender", "receiver": "Receiver",
        "failed": "That did not work", "notFound": "Not found", "tooLarge": "Too large", "pageNotFound": "This page does not exist.",
        "notAForm": "This form was not sent as a form.", "formExpired": "The form has expired or is not from this site. Reload the page.",
        "formTooLarge": "The form is too large (a file may be up to 20 MiB).",
        "busy": "Too many files are being checked right now. Please try again in a moment.", "chooseFile": "choose a UBL file",
        "file": "file", "notXML": "This is not a readable XML document.", "valid": "Valid", "withWarnings": "warning(s)",
        "with": "with", "invalid": "Invalid", "fatalFindings": "fatal finding(s)", "fatal": "fatal", "warning": "warning",
        "active": "active", "revokedOn": "revoked on", "signInFailed": "The e-mail address or the password is not right.",
        "tooManyAttempts": "Too many failed attempts. Try again after (seconds):", "revision": "revision",
        "routeInbox": "on the platform, to the inbox of", "routeEmail": "by e-mail to", "routePeppol": "over Peppol to",
        "ruleSetAuto": "by CustomizationID", "ruleSetGAccount": "SI-UBL 2.0 G-account", "free": "Free (the portal only)",
        "basic": "Basic (portal and API)",
        "verification": "Verification",
        "reason": "Reason", "reasonHint": "Needed with Afgewezen (rejected): the sender reads what must change in the invoice.",
        "peppolOff": "This platform is not connected to the Peppol network.",
        "peppolPublished": "This platform's SMP publishes this organisation for the documents below as",
        "peppolNotPublished":
            "This organisation is not in the SMP yet: it will be once it is checked and has a KvK, OIN, VAT or KBO number.",
        "verified": "Checked: found by its registration numbers, and may send.",
        "notVerified":
            "Not checked yet: the platform checks the registration numbers before others find this organisation by them and before it sends documents.",
    ]
}
