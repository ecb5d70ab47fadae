extension Templates {
    static let layout = #"""
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{title}} · Kiln console</title>
        <link rel="stylesheet" href="/console/assets/console.css">
        <script src="/console/assets/console.js" defer></script>
        </head>
        <body>
        <a class="skip" href="#main">Skip to content</a>
        <header class="top">
        <div class="brand"><a href="/console/images">Kiln</a> <span>console</span></div>
        {{#signedIn}}
        <nav aria-label="Main"><ul>{{#nav}}<li><a href="{{href}}"{{#current}} aria-current="page"{{/current}}>{{label}}</a></li>{{/nav}}</ul></nav>
        <div class="who">
        <form method="post" action="/console/region" class="inline">
        <input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="back" value="{{back}}">
        <label for="region-select">Region</label>
        <select id="region-select" name="region">{{#regions}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/regions}}</select>
        <button type="submit">Switch</button>
        </form>
        <span class="account" id="signed-in-account">Account {{account}}</span>
        <form method="post" action="/console/signout" class="inline"><input type="hidden" name="csrf" value="{{csrf}}"><button type="submit">Sign out</button></form>
        </div>
        {{/signedIn}}
        </header>
        <main id="main">
        {{#flash}}<div class="flash {{kind}}" role="{{role}}" id="flash">{{#code}}<strong class="code">{{.}}</strong> {{/code}}{{message}}</div>{{/flash}}
        {{{body}}}
        </main>
        </body>
        </html>
        """#

    static let error = #"""
        <h1>The request was refused</h1>
        <div class="flash error" role="alert" id="error"><strong class="code">{{code}}</strong> {{message}}</div>
        <p><a href="/console/images">Back to the images</a></p>
        """#

    static let signIn = #"""
        <h1>Sign in to Kiln</h1>
        {{#problem}}<div class="flash error" role="alert" id="flash"><strong class="code">{{code}}</strong> {{message}}</div>{{/problem}}
        <form method="post" action="/console/signin" class="card narrow" id="signin-form">
        {{#chooseAccount}}
        <p>This server runs with <code>--auth dev</code>: choose the account to act as.</p>
        <div class="field"><label for="account">Account</label>
        <input id="account" name="account" inputmode="numeric" pattern="[0-9]{12}" list="known-accounts" value="{{defaultAccount}}" required autocomplete="username">
        <datalist id="known-accounts">{{#accounts}}<option value="{{.}}">{{/accounts}}</datalist></div>
        {{/chooseAccount}}
        {{#accessKey}}
        <p>Sign in with one of your account's access keys.</p>
        <div class="field"><label for="accessKeyId">Access key ID</label><input id="accessKeyId" name="accessKeyId" required autocomplete="username"></div>
        <div class="field"><label for="secretAccessKey">Secret access key</label>
        <input id="secretAccessKey" name="secretAccessKey" type="password" required autocomplete="current-password"></div>
        {{/accessKey}}
        <div class="field"><label for="signin-region">Region</label>
        <select id="signin-region" name="region">{{#regions}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/regions}}</select></div>
        <button type="submit" class="primary" id="signin-submit">Sign in</button>
        </form>
        """#
}
