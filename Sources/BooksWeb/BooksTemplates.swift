import Mustache
import WebPages

// The books' screens as Mustache templates, in Dutch as the setup guide names them. `{{value}}`
// is HTML-escaped, so whatever a debtor or a line holds shows as text; `{{{content}}}` only ever
// carries a screen rendered here. Every form posts the CSRF token; every field has a label.
enum BooksTemplates {
    static let library = MustacheLibrary(fixed: all)

    static let csrfField = #"<input type="hidden" name="csrf" value="{{csrf}}">"#

    static let head = """
        <!doctype html>
        <html lang="nl">
        <head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{title}} — efactuur boekhouding</title><link rel="stylesheet" href="/static/books.css">
        <script src="/static/books.js" defer></script></head>
        <body>
        <a class="skip" href="#main">Naar de inhoud</a>
        <header><nav aria-label="Hoofdmenu"><a class="brand" href="/">efactuur boekhouding</a></nav></header>
        <main id="main">
        <h1>{{title}}</h1>
        {{#error}}<p class="error" role="alert">{{error}}</p>{{/error}}
        {{#notice}}<p class="notice" role="status">{{notice}}</p>{{/notice}}
        """

    /// The menu of an administration, on each of its screens.
    static let menu = """
        <nav class="menu" aria-label="Administratie"><a href="/a/{{admin.id}}">{{admin.name}}</a>\
        <a href="/a/{{admin.id}}/instellingen">Beheer › Administratie › Instellingen › eFactuur › eVerbinding</a>\
        <a href="/a/{{admin.id}}/debiteuren">Debiteuren</a><a href="/a/{{admin.id}}/facturen">Verkoopfacturen</a>\
        <a href="/a/{{admin.id}}/inkoop">Inkoopfacturen</a></nav>
        """

    static let all: [String: String] = [
        "layout": head + "{{{content}}}\n</main></body></html>",
        // For a page that streams its content after the head (Ophalen).
        "layoutOpen": head,
        "message": "<p>{{message}}</p><p><a href=\"/\">Naar het begin</a></p>",
        "choose": """
        <p>Selecteer de boekhouding waarmee u wilt werken.</p>
        <table><caption>Administraties</caption><thead><tr><th scope="col">Naam</th><th scope="col">Bedrijfs-ID</th></tr></thead>
        <tbody>{{#administrations}}<tr><td><a href="/a/{{id}}">{{name}}</a></td><td>{{companyID}}</td></tr>{{/administrations}}</tbody></table>
        {{^administrations}}<p>Er zijn nog geen administraties.</p>{{/administrations}}
        <h2>Nieuwe administratie</h2>
        <form method="post" action="/administraties">\(csrfField)
        <p><label for="name">Naam</label><input id="name" name="name" required></p>
        <p><button type="submit">Aanmaken</button></p></form>
        """,
        "home": menu + """
            <ul class="start"><li><a href="/a/{{admin.id}}/instellingen">Instellingen › eFactuur › eVerbinding</a></li>
            <li><a href="/a/{{admin.id}}/debiteuren">Debiteuren</a></li><li><a href="/a/{{admin.id}}/facturen">Verkoopfacturen</a></li>
            <li><a href="/a/{{admin.id}}/inkoop">Inkoopfacturen</a></li></ul>
            """,
        "settings": menu + """
            <form method="post" action="/a/{{admin.id}}/instellingen">\(csrfField)
            <fieldset><legend>eVerbinding</legend>
            <p><input type="checkbox" id="useAPIv3" name="useAPIv3"{{#useAPIv3}} checked{{/useAPIv3}}><label for="useAPIv3">Gebruik API versie 3</label></p>
            <p><label for="siVersion">SimplerInvoicing versie</label><select id="siVersion" name="siVersion"><option value="2.0" selected>2.0</option></select></p>
            <p><label for="quickConnect">Quick Connect-tekst (plakken vult App Key, Secret, e-mailadres en Bedrijfs-ID)</label>
            <textarea id="quickConnect" name="quickConnect" rows="2" autocomplete="off"></textarea></p>
            <p><label for="email">E-mailadres op het platform</label><input id="email" name="email" type="email" value="{{email}}"></p>
            <p><label for="appKey">App Key</label><input id="appKey" name="appKey" value="{{appKey}}" autocomplete="off"></p>
            <p><label for="secret">Secret{{#secretSet}} (opgeslagen: {{maskedSecret}}; leeg laten om te houden){{/secretSet}}</label>\
            <input id="secret" name="secret" type="password" autocomplete="new-password"></p>
            <p><label for="companyID">Bedrijfs-ID</label><input id="companyID" name="companyID" value="{{companyID}}"></p>
            <p><label for="platformURL">Adres van het platform</label><input id="platformURL" name="platformURL" type="url" value="{{platformURL}}"></p>
            <p><label for="purchaseFolder">Map voor inkoopfacturen</label><input id="purchaseFolder" name="purchaseFolder" value="{{purchaseFolder}}"></p>
            <p><label for="salesFolder">Map voor verkoopfacturen</label><input id="salesFolder" name="salesFolder" value="{{salesFolder}}"></p>
            <p><label for="fromDate">Ophalen vanaf datum (JJJJ-MM-DD)</label><input id="fromDate" name="fromDate" value="{{fromDate}}"></p>
            <p><input type="checkbox" id="useDossierAsKvK" name="useDossierAsKvK"{{#useDossierAsKvK}} checked{{/useDossierAsKvK}}>\
            <label for="useDossierAsKvK">Gebruik debiteur dossiernummer als KvK</label></p>
            </fieldset>
            <fieldset><legend>Afzender</legend>
            <p><label for="senderName">Naam</label><input id="senderName" name="senderName" value="{{senderName}}"></p>
            <p><label for="senderStreet">Straat en huisnummer</label><input id="senderStreet" name="senderStreet" value="{{senderStreet}}"></p>
            <p><label for="senderPostcode">Postcode</label><input id="senderPostcode" name="senderPostcode" value="{{senderPostcode}}"></p>
            <p><label for="senderCity">Plaats</label><input id="senderCity" name="senderCity" value="{{senderCity}}"></p>
            <p><label for="senderCountry">Land</label><input id="senderCountry" name="senderCountry" value="{{senderCountry}}" maxlength="2"></p>
            <p><label for="senderKvK">KvK-nummer</label><input id="senderKvK" name="senderKvK" value="{{senderKvK}}"></p>
            <p><label for="senderVAT">Btw-nummer</label><input id="senderVAT" name="senderVAT" value="{{senderVAT}}"></p>
            <p><label for="senderIBAN">IBAN</label><input id="senderIBAN" name="senderIBAN" value="{{senderIBAN}}"></p>
            </fieldset>
            <p><button type="submit" name="action" value="opslaan">Opslaan</button>
            <button type="submit" name="action" value="testen">Verbinding testen</button></p>
            </form>
            """,
        "debtors": menu + """
            <form method="get" action="/a/{{admin.id}}/debiteuren" class="search"><p><label for="zoek">Zoeken (naam of nummer)</label>\
            <input id="zoek" name="zoek" value="{{query}}"><button type="submit">Zoeken</button></p></form>
            <table><caption>Debiteuren</caption><thead><tr><th scope="col">Nummer</th><th scope="col">Naam</th><th scope="col">Plaats</th>\
            <th scope="col">E-mail voor facturen</th><th scope="col">Factuur draagt</th></tr></thead>
            <tbody>{{#debtors}}<tr><td><a href="/a/{{admin.id}}/debiteuren/{{number}}">{{number}}</a></td><td>{{name}}</td><td>{{city}}</td>\
            <td>{{email}}</td><td>{{identifier}}</td></tr>{{/debtors}}</tbody></table>
            {{#next}}<p><a href="{{next}}">Volgende pagina</a></p>{{/next}}
            <h2>Nieuwe debiteur</h2>
            <form method="post" action="/a/{{admin.id}}/debiteuren">\(csrfField)
            <p><label for="name">Naam</label><input id="name" name="name" required></p>
            <p><label for="street">Straat en huisnummer</label><input id="street" name="street"></p>
            <p><label for="postcode">Postcode</label><input id="postcode" name="postcode"></p>
            <p><label for="city">Plaats</label><input id="city" name="city"></p>
            <p><label for="country">Land</label><input id="country" name="country" value="NL" maxlength="2"></p>
            <p><label for="email">E-mail voor facturen</label><input id="email" name="email" type="email"></p>
            <p><label for="oin">FAX/OIN</label><input id="oin" name="oin" inputmode="numeric"></p>
            <p><label for="kvk">Dossier/KvK nr</label><input id="kvk" name="kvk" inputmode="numeric"></p>
            <p><label for="vat">Btw-nummer</label><input id="vat" name="vat"></p>
            <p><button type="submit">Debiteur toevoegen</button></p></form>
            """,
        "debtor": menu + """
            <form method="post" action="/a/{{admin.id}}/debiteuren/{{debtor.number}}">\(csrfField)
            <fieldset><legend>Algemeen</legend>
            <p><label for="name">Naam</label><input id="name" name="name" value="{{debtor.name}}" required></p>
            <p><label for="street">Straat en huisnummer</label><input id="street" name="street" value="{{debtor.street}}"></p>
            <p><label for="postcode">Postcode</label><input id="postcode" name="postcode" value="{{debtor.postcode}}"></p>
            <p><label for="city">Plaats</label><input id="city" name="city" value="{{debtor.city}}"></p>
            <p><label for="country">Land</label><input id="country" name="country" value="{{debtor.country}}" maxlength="2"></p>
            </fieldset>
            <fieldset id="properties"><legend>Properties</legend>
            <p><label for="email">E-mail voor facturen</label><input id="email" name="email" type="email" value="{{debtor.email}}"></p>
            <p><label for="oin">FAX/OIN</label><input id="oin" name="oin" value="{{debtor.oin}}" inputmode="numeric"></p>
            <p><label for="kvk">Dossier/KvK nr</label><input id="kvk" name="kvk" value="{{debtor.kvk}}" inputmode="numeric"></p>
            <p><label for="vat">Btw-nummer</label><input id="vat" name="vat" value="{{debtor.vat}}"></p>
            <p>Een factuur aan deze debiteur draagt: <strong id="identifier" aria-live="polite" data-ask="/a/{{admin.id}}/identificatie">{{identifier}}</strong>
            {{^dossierAsKvK}}(de administratie gebruikt het dossiernummer niet als KvK){{/dossierAsKvK}}</p>
            </fieldset>
            <p><button type="submit">Opslaan</button></p></form>
            """,
        "invoices": menu + """
            <form method="get" action="/a/{{admin.id}}/facturen" class="search"><fieldset><legend>Zoeken en sorteren</legend>
            <label for="f-debiteur">Debiteur</label><select id="f-debiteur" name="debiteur"><option value="">alle</option>\
            {{#debtors}}<option value="{{number}}"{{#selected}} selected{{/selected}}>{{number}} {{name}}</option>{{/debtors}}</select>
            <label for="f-stand">Stand</label><select id="f-stand" name="stand">{{#states}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{name}}</option>{{/states}}</select>
            <label for="f-van">Van (datum)</label><input id="f-van" name="van" value="{{from}}" size="10">
            <label for="f-tot">Tot en met</label><input id="f-tot" name="tot" value="{{through}}" size="10">
            <label for="f-volgorde">Sorteren op</label><select id="f-volgorde" name="volgorde">{{#orders}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{name}}</option>{{/orders}}</select>
            <input type="checkbox" id="f-aflopend" name="aflopend"{{#descending}} checked{{/descending}}><label for="f-aflopend">aflopend</label>
            <button type="submit">Tonen</button></fieldset></form>
            <table><caption>Verkoopfacturen</caption><thead><tr><th scope="col">Nummer</th><th scope="col">Soort</th><th scope="col">Datum</th>\
            <th scope="col">Debiteur</th><th scope="col">Bedrag excl. btw</th><th scope="col">Stand</th><th scope="col">Delivery ID</th></tr></thead>
            <tbody>{{#invoices}}<tr><td><a href="{{path}}">{{number}}</a></td><td>{{kind}}</td><td>{{date}}</td><td>{{debtor}}</td>\
            <td>{{amount}}</td><td>{{state}}</td><td>{{deliveryID}}</td></tr>{{/invoices}}</tbody></table>
            {{#next}}<p><a href="{{next}}">Volgende pagina</a></p>{{/next}}
            <h2>Nieuwe factuur</h2>
            <form method="post" action="/a/{{admin.id}}/facturen">\(csrfField)
            <p><label for="debtor">Debiteur</label><select id="debtor" name="debtor">{{#debtors}}<option value="{{number}}">{{number}} {{name}}</option>{{/debtors}}</select></p>
            <p><label for="date">Factuurdatum (JJJJ-MM-DD)</label><input id="date" name="date" value="{{today}}"></p>
            <p><label for="due">Vervaldatum (leeg: 30 dagen later)</label><input id="due" name="due"></p>
            <p><label for="reference">Referentie van de debiteur</label><input id="reference" name="reference"></p>
            <p><button type="submit">Factuur aanmaken</button></p></form>
            """,
        "invoice": menu + """
            <nav class="tabs" aria-label="Tabbladen"><a href="#factuur">Factuur</a><a href="#regels">Regels</a><a href="#extra">Extra</a></nav>
            <section id="factuur"><h2>{{kind}} {{number}}</h2>
            <dl><dt>Debiteur</dt><dd>{{debtor}}</dd><dt>Identificatie</dt><dd>{{identifier}}</dd><dt>Factuurdatum</dt><dd>{{date}}</dd>\
            <dt>Vervaldatum</dt><dd>{{due}}</dd><dt>Referentie</dt><dd>{{reference}}</dd>{{#credits}}<dt>Crediteert</dt><dd>{{credits}}</dd>{{/credits}}</dl>
            {{#isDraft}}<nav class="actions" aria-label="Uitvoer"><a id="everbinding" href="{{path}}/verzenden">Uitvoer › eFactuur › eVerbinding bericht</a></nav>
            <form method="post" action="{{path}}/verwijderen" class="inline">\(csrfField)<button type="submit">Factuur verwijderen</button></form>{{/isDraft}}
            {{#canCredit}}<form method="post" action="{{path}}/crediteren" class="inline">\(csrfField)<button type="submit">Crediteren</button></form>{{/canCredit}}
            </section>
            <section id="regels"><h2>Regels</h2>
            <table><caption>Regels van {{number}}</caption><thead><tr><th scope="col">Regel</th><th scope="col">Omschrijving</th>\
            <th scope="col">Aantal</th><th scope="col">Prijs</th><th scope="col">Btw %</th><th scope="col">Bedrag</th>{{#isDraft}}<th scope="col">Wijzigen</th>{{/isDraft}}</tr></thead>
            <tbody>{{#lines}}<tr><td>{{position}}</td>
            {{#isDraft}}<td colspan="4"><form method="post" action="{{path}}/regels/{{position}}" class="line" id="regel-{{position}}">\(csrfField)\
            <label for="description-{{position}}">Omschrijving regel {{position}}</label><input id="description-{{position}}" name="description" value="{{description}}">\
            <label for="quantity-{{position}}">Aantal</label><input id="quantity-{{position}}" name="quantity" value="{{quantity}}" size="6">\
            <label for="price-{{position}}">Prijs</label><input id="price-{{position}}" name="price" value="{{price}}" size="8">\
            <label for="vat-{{position}}">Btw %</label><input id="vat-{{position}}" name="vat" value="{{vat}}" size="3">\
            <button type="submit" name="action" value="wijzigen">Regel {{position}} wijzigen</button>\
            <button type="submit" name="action" value="verwijderen">Regel {{position}} verwijderen</button></form></td><td>{{amount}}</td><td></td>{{/isDraft}}\
            {{^isDraft}}<td>{{description}}</td><td>{{quantity}}</td><td>{{price}}</td><td>{{vat}}</td><td>{{amount}}</td>{{/isDraft}}</tr>{{/lines}}</tbody></table>
            {{^lines}}<p>Nog geen regels.</p>{{/lines}}
            {{#totals}}<p class="total">{{label}}: <strong>{{value}}</strong></p>{{/totals}}
            {{#isDraft}}<form method="post" action="{{path}}/regels" id="nieuwe-regel">\(csrfField)<fieldset><legend>Regel toevoegen</legend>
            <p><label for="description">Omschrijving</label><input id="description" name="description"></p>
            <p><label for="quantity">Aantal</label><input id="quantity" name="quantity" inputmode="decimal"></p>
            <p><label for="price">Prijs per stuk excl. btw</label><input id="price" name="price" inputmode="decimal"></p>
            <p><label for="vat">Btw %</label><input id="vat" name="vat" value="21" inputmode="decimal"></p>
            <p><button type="submit">Regel toevoegen</button></p></fieldset></form>{{/isDraft}}
            </section>
            <section id="extra"><h2>Extra</h2>
            <dl><dt>Delivery ID</dt><dd id="delivery-id">{{extra.deliveryID}}</dd><dt>Verzonden op</dt><dd>{{extra.sentOn}}</dd>\
            <dt>Route</dt><dd>{{extra.route}}</dd><dt>SHA-256</dt><dd class="hash">{{extra.sha256}}</dd><dt>UBL</dt><dd>{{extra.ubl}}</dd>\
            {{#extra.lastError}}<dt>Laatste fout</dt><dd>{{extra.lastError}}</dd>{{/extra.lastError}}</dl>
            {{#isSent}}<form method="post" action="{{path}}/status" class="inline">\(csrfField)<button type="submit">Status bijwerken</button></form>{{/isSent}}
            <h3>Statusverloop</h3><ol class="timeline" id="statuses">{{#extra.statuses}}<li><strong>{{status}}</strong> — {{on}}{{#by}}, {{by}}{{/by}}</li>{{/extra.statuses}}</ol>
            </section>
            """,
        "send": menu + """
            <p><a href="{{path}}">Terug naar {{number}}</a></p>
            {{#hasProblems}}<div class="error" role="alert"><p>Deze factuur kan nog niet worden verzonden:</p>
            <ul>{{#problems}}<li>{{.}}</li>{{/problems}}</ul><p>Er is niets verzonden.</p></div>{{/hasProblems}}
            {{#summary}}<dl><dt>Debiteur</dt><dd>{{summary.debtor}}</dd><dt>Identificatie</dt><dd>{{summary.identifier}}</dd>\
            <dt>E-mailadres</dt><dd>{{summary.email}}</dd><dt>Regels</dt><dd>{{summary.lines}}</dd><dt>Te betalen</dt><dd>{{summary.total}}</dd>\
            <dt>SHA-256</dt><dd class="hash">{{summary.sha256}}</dd></dl>
            {{#summary.again}}<p class="notice">Deze factuur is al eens verzonden; het platform bewaart hem dan als nieuwe versie.</p>{{/summary.again}}{{/summary}}
            {{#vraag}}<form method="post" action="{{path}}/verzenden">\(csrfField)<p>Wilt u deze factuur via eVerbinding verzenden?</p>
            <p><button type="submit" name="step" value="ja">Ja</button> <button type="submit" name="step" value="nee">Nee</button></p></form>{{/vraag}}
            {{#woord}}<form method="post" action="{{path}}/verzenden">\(csrfField)<input type="hidden" name="step" value="verzenden"><input type="hidden" name="sha256" value="{{summary.sha256}}">
            <p><label for="word">Typ VERZENDEN om te verzenden</label><input id="word" name="word" autocomplete="off" autofocus></p>
            <p><button type="submit">Verzenden</button></p></form>{{/woord}}
            {{#niet}}<p>Er is niets verzonden. <a href="{{path}}/verzenden">Opnieuw</a></p>{{/niet}}
            """,
        "purchases": menu + """
            <p>Map: {{folder}}</p>
            <form method="post" action="/a/{{admin.id}}/inkoop/ophalen">\(csrfField)<p><button type="submit">Ophalen</button></p></form>
            <table><caption>Inkoopfacturen</caption><thead><tr><th scope="col">Datum</th><th scope="col">Leverancier</th><th scope="col">Nummer</th>\
            <th scope="col">Bedrag</th><th scope="col">Validatie</th><th scope="col">PDF</th><th scope="col">Bestand</th></tr></thead>
            <tbody>{{#purchases}}<tr><td>{{date}}</td><td>{{supplier}}</td><td>{{number}}</td><td>{{amount}}</td>\
            <td class="{{#valid}}valid{{/valid}}{{^valid}}invalid{{/valid}}">{{verdict}}</td>\
            <td><a href="/a/{{admin.id}}/inkoop/{{id}}/pdf">PDF{{#embedded}} (meegestuurd){{/embedded}}</a></td><td>{{file}}</td></tr>{{/purchases}}</tbody></table>
            {{^purchases}}<p>Nog geen inkoopfacturen.</p>{{/purchases}}
            {{#next}}<p><a href="{{next}}">Volgende pagina</a></p>{{/next}}
            """,
    ]

    /// The one script: the debtor card says which identifier an invoice will carry as the user
    /// types (the page says it without the script too, once saved).
    static let script = """
        document.addEventListener("DOMContentLoaded", function () {
          var shown = document.getElementById("identifier");
          if (!shown) return;
          var oin = document.getElementById("oin"), kvk = document.getElementById("kvk");
          function ask() {
            var query = "?oin=" + encodeURIComponent(oin.value.trim()) + "&kvk=" + encodeURIComponent(kvk.value.trim());
            fetch(shown.dataset.ask + query).then(function (r) { return r.ok ? r.text() : null; })
              .then(function (text) { if (text) shown.textContent = text; });
          }
          oin.addEventListener("input", ask);
          kvk.addEventListener("input", ask);
        });
        """

    static let stylesheet = """
        body { font: 16px/1.5 system-ui, sans-serif; margin: 0; color: #1a1a1a; }
        header { background: #0b3d5c; padding: .5rem 1rem; } header a { color: #fff; margin-right: 1rem; }
        main { max-width: 70rem; margin: 1rem auto; padding: 0 1rem; }
        .skip { position: absolute; left: -999px; } .skip:focus { left: 1rem; top: 1rem; background: #fff; }
        .menu a, .tabs a { margin-right: 1rem; } .menu, .tabs { margin-bottom: 1rem; }
        table { border-collapse: collapse; width: 100%; margin: 1rem 0; } caption { text-align: left; font-weight: bold; }
        th, td { border-bottom: 1px solid #ccc; padding: .25rem .5rem; text-align: left; vertical-align: top; }
        label { display: inline-block; min-width: 14rem; } form.line label { min-width: 0; margin: 0 .25rem; }
        input, select, textarea, button { font: inherit; } button { cursor: pointer; }
        :focus { outline: 3px solid #e08a00; outline-offset: 2px; }
        .error { color: #8b0000; border-left: 4px solid #8b0000; padding-left: .5rem; }
        .notice { border-left: 4px solid #0b6d2c; padding-left: .5rem; }
        .hash { font-family: monospace; word-break: break-all; } form.inline { display: inline; }
        .valid { color: #0b6d2c; } .invalid { color: #8b0000; }
        """
}
