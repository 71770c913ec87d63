import Mustache
import WebPages

// The portal's pages as Mustache templates. `{{value}}` is HTML-escaped, so whatever a document
// or a form holds shows as text; `{{{content}}}` only ever carries a page rendered here.
// Every form posts its CSRF token; every field has a label.
enum Templates {
    static let library = MustacheLibrary(fixed: all)

    static let csrfField = #"<input type="hidden" name="csrf" value="{{csrf}}">"#

    static let all: [String: String] = [
        "layout": """
        <!doctype html>
        <html lang="{{t.language}}">
        <head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{title}} — efactuur</title><link rel="stylesheet" href="/portal/static/portal.css"></head>
        <body>
        <a class="skip" href="#main">{{t.skip}}</a>
        <header><nav aria-label="{{t.mainMenu}}"><a class="brand" href="/portal">efactuur</a>
        {{#user}}<a href="/portal/organisations">{{t.organisations}}</a><a href="/portal/users">{{t.users}}</a>\
        <a href="/portal/validate">{{t.validate}}</a><a href="/portal/password">{{t.password}}</a>
        <form class="inline" method="post" action="/portal/sign-out">\(csrfField)<button type="submit">{{t.signOut}} ({{email}})</button></form>{{/user}}
        {{^user}}<a href="/portal/validate">{{t.validate}}</a><a href="/portal/sign-in">{{t.signIn}}</a><a href="/portal/sign-up">{{t.signUp}}</a>{{/user}}
        <a href="{{here}}?lang={{t.otherLanguage}}" lang="{{t.otherLanguage}}">{{t.otherLanguageName}}</a>
        </nav></header>
        <main id="main">
        <h1>{{title}}</h1>
        {{#error}}<p class="error" role="alert">{{error}}</p>{{/error}}
        {{#notice}}<p class="notice" role="status">{{notice}}</p>{{/notice}}
        {{{content}}}
        </main>
        </body>
        </html>
        """,

        "sign-in": """
        <form method="post" action="/portal/sign-in">\(csrfField)
        <p><label for="email">{{t.email}}</label><input id="email" name="email" type="email" autocomplete="email" required value="{{email}}"></p>
        <p><label for="password">{{t.passwordLabel}}</label><input id="password" name="password" type="password" autocomplete="current-password" required></p>
        <p><button type="submit">{{t.signIn}}</button></p>
        </form>
        <p>{{t.noAccountYet}} <a href="/portal/sign-up">{{t.signUp}}</a></p>
        """,

        "sign-up": """
        <form method="post" action="/portal/sign-up">\(csrfField)
        <p><label for="account">{{t.accountName}}</label><input id="account" name="account" required value="{{account}}"></p>
        <p><label for="email">{{t.adminEmail}}</label><input id="email" name="email" type="email" autocomplete="email" required value="{{email}}"></p>
        <p><label for="password">{{t.newPasswordLabel}}</label>\
        <input id="password" name="password" type="password" autocomplete="new-password" required minlength="{{minimumPasswordLength}}"></p>
        <p><label for="subscription">{{t.subscription}}</label><select id="subscription" name="subscription">
        {{#subscriptions}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/subscriptions}}
        </select></p>
        <p><button type="submit">{{t.signUp}}</button></p>
        </form>
        """,

        "organisations": """
        {{#hasOrganisations}}
        <table><caption>{{t.organisationsOf}} {{accountName}}</caption>
        <thead><tr><th scope="col">{{t.name}}</th><th scope="col">{{t.bedrijfsID}}</th><th scope="col">{{t.country}}</th><th scope="col">{{t.registrations}}</th><th scope="col">{{t.documents}}</th></tr></thead>
        <tbody>{{#organisations}}<tr><td><a href="/portal/organisations/{{partyID}}">{{name}}</a></td><td>{{partyID}}</td><td>{{country}}</td>\
        <td>{{registrations}}</td><td><a href="/portal/organisations/{{partyID}}/inbox">Inbox</a> · <a href="/portal/organisations/{{partyID}}/outbox">Outbox</a></td></tr>{{/organisations}}</tbody>
        </table>
        {{/hasOrganisations}}
        {{^organisations}}<p>{{t.noOrganisations}}</p>{{/organisations}}
        {{#administrator}}
        <h2>{{t.addOrganisation}}</h2>
        <form method="post" action="/portal/organisations">\(csrfField)
        <p><label for="name">{{t.name}}</label><input id="name" name="name" required value="{{form.name}}"></p>
        <p><label for="country">{{t.countryField}}</label><input id="country" name="country" required maxlength="2" value="{{form.country}}"></p>
        <p><label for="kvk">{{t.kvk}}</label><input id="kvk" name="kvk" inputmode="numeric" value="{{form.kvk}}"></p>
        <p><label for="oin">OIN</label><input id="oin" name="oin" inputmode="numeric" value="{{form.oin}}"></p>
        <p><label for="vat">{{t.vat}}</label><input id="vat" name="vat" value="{{form.vat}}"></p>
        <p><label for="kbo">{{t.kbo}}</label><input id="kbo" name="kbo" value="{{form.kbo}}"></p>
        <p><button type="submit">{{t.addOrganisation}}</button></p>
        </form>
        {{/administrator}}
        """,

        "organisation": """
        <dl class="facts"><dt>{{t.bedrijfsID}}</dt><dd>{{organisation.partyID}}</dd><dt>{{t.country}}</dt><dd>{{organisation.country}}</dd>
        {{#organisation.registrations}}<dt>{{t.registrations}}</dt><dd>{{organisation.registrations}}</dd>{{/organisation.registrations}}
        <dt>{{t.verification}}</dt><dd>{{#organisation.verified}}{{t.verified}}{{/organisation.verified}}{{^organisation.verified}}{{t.notVerified}}{{/organisation.verified}}</dd></dl>
        <p><a href="/portal/organisations/{{organisation.partyID}}/inbox">Inbox</a> · <a href="/portal/organisations/{{organisation.partyID}}/outbox">Outbox</a></p>
        {{#administrator}}
        <details{{#editing}} open{{/editing}}><summary>{{t.editOrganisation}}</summary>
        <form method="post" action="/portal/organisations/{{organisation.partyID}}">\(csrfField)
        <p><label for="name">{{t.name}}</label><input id="name" name="name" required value="{{edit.name}}"></p>
        <p><label for="kvk">{{t.kvk}}</label><input id="kvk" name="kvk" inputmode="numeric" value="{{edit.kvk}}"></p>
        <p><label for="oin">OIN</label><input id="oin" name="oin" inputmode="numeric" value="{{edit.oin}}"></p>
        <p><label for="vat">{{t.vat}}</label><input id="vat" name="vat" value="{{edit.vat}}"></p>
        <p><label for="kbo">{{t.kbo}}</label><input id="kbo" name="kbo" value="{{edit.kbo}}"></p>
        <p><button type="submit">{{t.save}}</button></p>
        </form>
        </details>
        {{/administrator}}
        <h2>Peppol</h2>
        {{#peppol.off}}<p>{{t.peppolOff}}</p>{{/peppol.off}}
        {{^peppol.off}}{{#peppol.published}}<p>{{t.peppolPublished}} <strong>{{peppol.participants}}</strong></p>
        <ul>{{#peppol.types}}<li>{{.}}</li>{{/peppol.types}}</ul>{{/peppol.published}}
        {{^peppol.published}}<p>{{t.peppolNotPublished}}</p>{{/peppol.published}}{{/peppol.off}}
        <h2>{{t.connectionKeys}}</h2>
        <p>{{t.keysExplained}}</p>
        {{#hasKeys}}
        <table><caption>{{t.keysOf}} {{organisation.name}}</caption>
        <thead><tr><th scope="col">App Key</th><th scope="col">{{t.madeBy}}</th><th scope="col">{{t.madeOn}}</th><th scope="col">{{t.status}}</th><th scope="col"><span class="hidden">{{t.action}}</span></th></tr></thead>
        <tbody>{{#keys}}<tr><td><code>{{appKey}}</code></td><td>{{email}}</td><td>{{created}}</td><td>{{state}}</td><td>\
        {{#revocable}}{{#administrator}}<form class="inline" method="post" action="/portal/organisations/{{partyID}}/keys/{{appKey}}/revoke">\(csrfField)\
        <button type="submit" aria-label="{{t.revoke}} {{appKey}}">{{t.revoke}}</button></form>{{/administrator}}{{/revocable}}</td></tr>{{/keys}}</tbody>
        </table>
        {{/hasKeys}}
        {{^keys}}<p>{{t.noKeys}}</p>{{/keys}}
        {{#administrator}}
        <form method="post" action="/portal/organisations/{{organisation.partyID}}/keys">\(csrfField)<button type="submit">{{t.createKey}}</button></form>
        {{/administrator}}
        """,

        "key-created": """
        <p class="warning" role="alert">{{t.secretOnce}}</p>
        <dl class="facts"><dt>App Key</dt><dd><code id="app-key">{{appKey}}</code></dd><dt>Secret</dt><dd><code id="secret">{{secret}}</code></dd></dl>
        <p><label for="quick-connect">{{t.quickConnect}}</label>
        <textarea id="quick-connect" readonly rows="3">{{quickConnect}}</textarea></p>
        <p><button type="button" class="copy" data-copy="quick-connect" data-done="{{t.copied}}">{{t.copy}}</button> <span id="copied" role="status"></span></p>
        <p><a href="/portal/organisations/{{partyID}}">{{t.backTo}} {{organisationName}}</a></p>
        <script src="/portal/static/portal.js"></script>
        """,

        "mailbox": """
        <p><a href="/portal/organisations/{{partyID}}">{{organisationName}}</a> · \
        {{#inbox}}<strong>{{t.inbox}}</strong> · <a href="/portal/organisations/{{partyID}}/outbox">{{t.outbox}}</a>{{/inbox}}\
        {{^inbox}}<a href="/portal/organisations/{{partyID}}/inbox">{{t.inbox}}</a> · <strong>{{t.outbox}}</strong>{{/inbox}}</p>
        <form method="get" action="" class="filters">
        <p><label for="subject">{{t.subjectExact}}</label><input id="subject" name="subject" value="{{filter.subject}}">
        <label for="status">{{t.status}}</label><select id="status" name="status"><option value="">{{t.all}}</option>\
        {{#statuses}}<option value="{{code}}"{{#selected}} selected{{/selected}}>{{code}} {{name}}</option>{{/statuses}}</select>
        <button type="submit">{{t.search}}</button></p>
        </form>
        {{#hasDocuments}}
        <table><caption>{{title}}</caption>
        <thead><tr><th scope="col">Delivery ID</th><th scope="col">{{t.subject}}</th><th scope="col">{{counterpartLabel}}</th><th scope="col">{{t.received}}</th><th scope="col">{{t.status}}</th></tr></thead>
        <tbody>{{#documents}}<tr><td><a href="/portal/organisations/{{partyID}}/documents/{{externalID}}">{{externalID}}</a></td><td>{{subject}}</td><td>{{counterpart}}</td><td>{{created}}</td><td>{{status}}</td></tr>{{/documents}}</tbody>
        </table>
        {{/hasDocuments}}
        {{^documents}}<p>{{t.noDocuments}}</p>{{/documents}}
        {{#next}}<p><a rel="next" href="?page={{next}}{{query}}">{{t.nextPage}}</a></p>{{/next}}
        """,

        "document": """
        <p><a href="/portal/organisations/{{partyID}}/{{mailbox}}">{{t.backTo}} {{mailboxName}}</a></p>
        <dl class="facts">
        <dt>Delivery ID</dt><dd>{{document.externalID}}</dd>
        <dt>{{t.status}}</dt><dd>{{document.status}}{{#document.statusBy}} — {{document.statusBy}}{{/document.statusBy}}, {{document.statusOn}}{{#document.statusReason}}<br>{{t.reason}}: {{document.statusReason}}{{/document.statusReason}}</dd>
        <dt>{{t.route}}</dt><dd>{{document.route}}</dd>
        <dt>SHA-256</dt><dd><code>{{document.sha256}}</code></dd>
        </dl>
        <p><a href="/portal/organisations/{{partyID}}/documents/{{document.externalID}}/xml" download>{{t.downloadXML}}</a> · \
        <a href="/portal/organisations/{{partyID}}/documents/{{document.externalID}}/pdf">{{t.downloadPDF}}</a></p>
        <h2>{{t.timeline}}</h2>
        <ol class="timeline">{{#timeline}}<li><strong>{{status}}</strong> — {{on}}{{#by}}, {{by}}{{/by}}{{#revision}} ({{revision}}){{/revision}}{{#reason}}<br>{{t.reason}}: {{reason}}{{/reason}}</li>{{/timeline}}</ol>
        {{#canSetStatus}}
        <h2>{{t.setStatus}}</h2>
        <form method="post" action="/portal/organisations/{{partyID}}/documents/{{document.externalID}}/status">\(csrfField)
        <p><label for="code">{{t.newStatus}}</label><select id="code" name="code">\
        {{#statuses}}<option value="{{code}}">{{code}} {{name}}</option>{{/statuses}}</select></p>
        <p><label for="reason">{{t.reason}}</label><textarea id="reason" name="reason" rows="3" maxlength="500" aria-describedby="reason-hint"></textarea>
        <small id="reason-hint">{{t.reasonHint}}</small></p>
        <p><button type="submit">{{t.setStatus}}</button></p>
        </form>
        {{/canSetStatus}}
        {{#invoice}}
        <article class="invoice" aria-label="{{invoice.title}}">
        <h2>{{invoice.title}} {{invoice.number}}</h2>
        {{#invoice.isCredit}}<p class="notice">{{t.creditNotice}}</p>{{/invoice.isCredit}}
        <div class="parties">
        <section><h3>{{t.supplier}}</h3>{{#invoice.seller}}<p>{{.}}</p>{{/invoice.seller}}</section>
        <section><h3>{{t.customer}}</h3>{{#invoice.buyer}}<p>{{.}}</p>{{/invoice.buyer}}</section>
        </div>
        <dl class="facts">{{#invoice.facts}}<dt>{{label}}</dt><dd>{{value}}</dd>{{/invoice.facts}}</dl>
        <table><caption>{{t.lines}}</caption>
        <thead><tr><th scope="col">{{t.description}}</th><th scope="col" class="number">{{t.quantity}}</th><th scope="col">{{t.unit}}</th><th scope="col" class="number">{{t.price}}</th><th scope="col">{{t.vatShort}}</th><th scope="col" class="number">{{t.amount}}</th></tr></thead>
        <tbody>{{#invoice.lines}}<tr><td>{{description}}</td><td class="number">{{quantity}}</td><td>{{unit}}</td><td class="number">{{price}}</td><td>{{vat}}</td><td class="number">{{amount}}</td></tr>{{/invoice.lines}}</tbody>
        </table>
        <table><caption>{{t.vatShort}}</caption>
        <thead><tr><th scope="col">{{t.category}}</th><th scope="col" class="number">{{t.taxable}}</th><th scope="col" class="number">{{t.vatShort}}</th></tr></thead>
        <tbody>{{#invoice.vat}}<tr><td>{{category}}</td><td class="number">{{taxable}}</td><td class="number">{{amount}}</td></tr>{{/invoice.vat}}</tbody>
        </table>
        <table class="totals"><caption>{{t.totals}}</caption><tbody>{{#invoice.totals}}<tr><th scope="row">{{label}}</th><td class="number">{{value}}</td></tr>{{/invoice.totals}}</tbody></table>
        </article>
        {{/invoice}}
        {{^invoice}}<p>{{t.notAnInvoice}}</p>{{/invoice}}
        <h2>{{t.validation}}</h2>
        {{> findings}}
        """,

        "findings": """
        <p class="{{verdictClass}}">{{verdict}} ({{t.ruleSet}} {{ruleSet}})</p>
        {{#hasFindings}}
        <table><caption>{{t.findings}}</caption>
        <thead><tr><th scope="col">{{t.rule}}</th><th scope="col">{{t.severity}}</th><th scope="col">{{t.location}}</th><th scope="col">{{t.message}}</th></tr></thead>
        <tbody>{{#findings}}<tr><td>{{ruleID}}</td><td>{{flag}}</td><td><code>{{location}}</code>{{#line}} ({{t.line}} {{line}}){{/line}}</td><td>{{message}}</td></tr>{{/findings}}</tbody>
        </table>
        {{/hasFindings}}
        """,

        "validate": """
        <p>{{t.validateExplained}}</p>
        <form method="post" action="/portal/validate" enctype="multipart/form-data">\(csrfField)
        <p><label for="document">{{t.ublFile}}</label><input id="document" name="document" type="file" accept=".xml,application/xml,text/xml" required></p>
        <p><label for="ruleset">{{t.ruleSetLabel}}</label><select id="ruleset" name="ruleset">\
        {{#ruleSets}}<option value="{{value}}">{{label}}</option>{{/ruleSets}}</select></p>
        <p><button type="submit">{{t.validate}}</button></p>
        </form>
        {{#report}}<h2>{{t.result}}</h2>{{> findings}}{{/report}}
        """,

        "users": """
        <table><caption>{{t.usersOf}} {{accountName}}</caption>
        <thead><tr><th scope="col">{{t.email}}</th><th scope="col">{{t.role}}</th><th scope="col"><span class="hidden">{{t.action}}</span></th></tr></thead>
        <tbody>{{#users}}<tr><td>{{email}}</td><td>{{role}}</td><td>{{#removable}}<form class="inline" method="post" action="/portal/users/remove">\(csrfField)\
        <input type="hidden" name="email" value="{{email}}"><button type="submit" aria-label="{{t.remove}} {{email}}">{{t.remove}}</button></form>{{/removable}}</td></tr>{{/users}}</tbody>
        </table>
        {{#administrator}}
        <h2>{{t.inviteUser}}</h2>
        <form method="post" action="/portal/users">\(csrfField)
        <p><label for="email">{{t.email}}</label><input id="email" name="email" type="email" required></p>
        <p><label for="role">{{t.role}}</label><select id="role" name="role"><option value="user">{{t.roleUser}}</option><option value="administrator">{{t.roleAdministrator}}</option></select></p>
        <p><label for="password">{{t.firstPassword}}</label><input id="password" name="password" type="password" autocomplete="new-password" required minlength="{{minimumPasswordLength}}"></p>
        <p><button type="submit">{{t.invite}}</button></p>
        </form>
        {{/administrator}}
        """,

        "password": """
        <form method="post" action="/portal/password">\(csrfField)
        <p><label for="current">{{t.currentPassword}}</label><input id="current" name="current" type="password" autocomplete="current-password" required></p>
        <p><label for="new">{{t.newPasswordLabel}}</label><input id="new" name="new" type="password" autocomplete="new-password" required minlength="{{minimumPasswordLength}}"></p>
        <p><button type="submit">{{t.changePassword}}</button></p>
        </form>
        """,

        "message": """
        <p>{{message}}</p>
        <p><a href="/portal">{{t.home}}</a></p>
        """,
    ]

    static let stylesheet = """
        :root { font-family: system-ui, sans-serif; color: #1a1a1a; background: #fff; line-height: 1.45; }
        body { margin: 0; }
        .skip { position: absolute; left: -999px; } .skip:focus { left: 1rem; top: 1rem; background: #fff; padding: .5rem; }
        header { background: #0b3d6b; padding: .6rem 1rem; }
        header nav { display: flex; flex-wrap: wrap; gap: 1rem; align-items: center; }
        header a, header button { color: #fff; }
        header .brand { font-weight: bold; margin-right: 1rem; }
        header button { background: none; border: 1px solid #fff; border-radius: 3px; padding: .2rem .5rem; cursor: pointer; }
        main { max-width: 64rem; margin: 1.5rem auto; padding: 0 1rem; }
        a:focus, button:focus, input:focus, select:focus, textarea:focus { outline: 3px solid #f0a500; outline-offset: 2px; }
        label { display: block; font-weight: 600; margin-bottom: .2rem; }
        input, select, textarea { font: inherit; padding: .35rem; border: 1px solid #666; border-radius: 3px; max-width: 100%; }
        input:not([type=file]), textarea { width: 28rem; }
        button { font: inherit; padding: .4rem .9rem; border-radius: 3px; border: 1px solid #0b3d6b; background: #0b3d6b; color: #fff; cursor: pointer; }
        form.inline { display: inline; }
        table { border-collapse: collapse; width: 100%; margin: 1rem 0; }
        caption { text-align: left; font-weight: 600; padding: .3rem 0; }
        th, td { border-bottom: 1px solid #ccc; padding: .35rem .5rem; text-align: left; vertical-align: top; }
        .number { text-align: right; white-space: nowrap; }
        .facts { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; }
        .facts dt { font-weight: 600; } .facts dd { margin: 0; overflow-wrap: anywhere; }
        .parties { display: flex; flex-wrap: wrap; gap: 3rem; } .parties p { margin: 0; }
        .error { background: #fde8e8; border-left: 4px solid #b00020; padding: .5rem .8rem; }
        .notice, .valid { background: #e7f4ea; border-left: 4px solid #1e7b34; padding: .5rem .8rem; }
        .invalid { background: #fde8e8; border-left: 4px solid #b00020; padding: .5rem .8rem; }
        .warning { background: #fff4d6; border-left: 4px solid #9a6700; padding: .5rem .8rem; }
        .hidden { position: absolute; left: -999px; }
        .invoice { border: 1px solid #ccc; padding: 1rem 1.5rem; margin: 1.5rem 0; }
        .totals { width: auto; margin-left: auto; }
        """

    /// The copy button of a new key's Quick Connect text; the page works without it.
    static let script = """
        document.querySelectorAll('button.copy').forEach(function (button) {
          button.addEventListener('click', function () {
            var field = document.getElementById(button.getAttribute('data-copy'));
            field.select();
            var done = function () { document.getElementById('copied').textContent = button.getAttribute('data-done'); };
            if (navigator.clipboard) { navigator.clipboard.writeText(field.value).then(done, function () { document.execCommand('copy'); done(); }); }
            else { document.execCommand('copy'); done(); }
          });
        });
        """
}
