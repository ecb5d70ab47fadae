extension Templates {
    static let image = #"""
        {{#page}}
        <p class="crumbs"><a href="/console/images">Images</a> / <span class="mono">{{id}}</span></p>
        <h1 id="image-name">{{name}}</h1>
        <div class="grid"{{#pending}} data-reload="4000"{{/pending}}>
        <section aria-labelledby="h-summary" class="card">
        <h2 id="h-summary">Summary</h2>
        <dl class="pairs" id="image-summary">
        <dt>Image ID</dt><dd class="mono" id="image-id">{{id}}</dd>
        <dt>State</dt><dd><span class="state state-{{state}}" id="image-state">{{state}}</span>{{#stateReason}} — {{.}}{{/stateReason}}</dd>
        <dt>Owner</dt><dd>{{owner}}{{#ownerAlias}} ({{.}}){{/ownerAlias}}</dd>
        <dt>Visibility</dt><dd id="image-visibility">{{visibility}}</dd>
        {{#description}}<dt>Description</dt><dd>{{.}}</dd>{{/description}}
        <dt>Architecture</dt><dd>{{architecture}}</dd>
        <dt>Platform</dt><dd>{{platform}}</dd>
        <dt>Root device</dt><dd>{{rootDevice}} ({{rootDeviceType}})</dd>
        <dt>Virtualization</dt><dd>{{virtualization}}{{#bootMode}}, boot mode {{.}}{{/bootMode}}</dd>
        </dl>
        </section>
        <section aria-labelledby="h-lifecycle" class="card">
        <h2 id="h-lifecycle">Life cycle</h2>
        <dl class="pairs" id="image-lifecycle">
        <dt>Created</dt><dd>{{created}}</dd>
        <dt>Deprecation</dt><dd id="image-deprecation">{{#deprecation}}{{.}}{{/deprecation}}{{^deprecation}}not set{{/deprecation}}</dd>
        <dt>Last launched</dt><dd>{{#lastLaunched}}{{.}}{{/lastLaunched}}{{^lastLaunched}}never{{/lastLaunched}}</dd>
        <dt>Deregistration protection</dt><dd id="image-protection">{{protection}}</dd>
        {{#sourceImage}}<dt>Copied from</dt><dd class="mono">{{.}}</dd>{{/sourceImage}}
        {{#sourceInstance}}<dt>Created from instance</dt><dd class="mono">{{.}}</dd>{{/sourceInstance}}
        </dl>
        </section>
        </div>

        <section aria-labelledby="h-mappings">
        <h2 id="h-mappings">Block device mappings</h2>
        <div class="scroll"><table id="mappings-table">
        <caption>Devices, their snapshots and what the snapshots cost a month</caption>
        <thead><tr><th scope="col">Device</th><th scope="col">Snapshot</th><th scope="col">Volume size</th><th scope="col">Type</th>
        <th scope="col">Encrypted</th><th scope="col">Snapshot data</th><th scope="col">Billed</th><th scope="col">Monthly cost</th></tr></thead>
        <tbody>{{#mappings}}<tr><td class="mono">{{device}}</td><td class="mono snapshot-id">{{snapshot}}</td><td class="snapshot-size">{{size}}</td><td>{{volumeType}}</td>
        <td>{{encrypted}}</td><td>{{stored}}</td><td>{{billed}}</td><td>{{monthly}}</td></tr>{{/mappings}}</tbody>
        <tfoot><tr><th scope="row" colspan="7">Total per month</th><td id="mappings-total">{{totalMonthly}}</td></tr></tfoot>
        </table></div>
        </section>

        <section aria-labelledby="h-lineage">
        <h2 id="h-lineage">Lineage</h2>
        <div class="lineage scroll" id="lineage">{{{lineage}}}</div>
        </section>

        <section aria-labelledby="h-permissions">
        <h2 id="h-permissions">Launch permissions</h2>
        {{#hasPermissions}}
        <div class="scroll"><table id="permissions-table"><caption>Who else may launch the image</caption>
        <thead><tr><th scope="col">Grantee</th><th scope="col">Kind</th>{{#isOwner}}<th scope="col"><span class="visually-hidden">Action</span></th>{{/isOwner}}</tr></thead>
        <tbody>{{#permissions}}<tr><td class="mono">{{value}}</td><td>{{kind}}</td>
        {{#isOwner}}<td><form method="post" action="/console/images/{{id}}/permissions" class="inline">
        <input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="region" value="{{region}}">
        <input type="hidden" name="op" value="remove"><input type="hidden" name="{{field}}" value="{{value}}">
        <button type="submit" class="danger">Remove<span class="visually-hidden"> {{value}}</span></button></form></td>{{/isOwner}}</tr>{{/permissions}}</tbody>
        </table></div>
        {{/hasPermissions}}
        {{^hasPermissions}}<p id="no-permissions">Only the owner may launch it.</p>{{/hasPermissions}}
        {{#isOwner}}
        <form method="post" action="/console/images/{{id}}/permissions" class="card form" id="share-form">
        <h3>Share</h3>
        <input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="region" value="{{region}}"><input type="hidden" name="op" value="add">
        <div class="field"><label for="share-account">Account ID</label><input id="share-account" name="account" inputmode="numeric" pattern="[0-9]{12}"></div>
        <div class="field"><label for="share-org">Organization ARN</label><input id="share-org" name="organization"></div>
        <div class="field"><label for="share-ou">Organizational unit ARN</label><input id="share-ou" name="unit"></div>
        <div class="field check"><input type="checkbox" id="share-public" name="public" value="on"><label for="share-public">Make it public</label></div>
        <button type="submit" class="primary" id="share-submit">Add launch permission</button>
        </form>
        {{/isOwner}}
        </section>

        <section aria-labelledby="h-tags">
        <h2 id="h-tags">Tags</h2>
        {{#hasTags}}<div class="scroll"><table id="tags-table"><caption>Your tags on the image</caption><thead><tr><th scope="col">Key</th><th scope="col">Value</th></tr></thead>
        <tbody>{{#tags}}<tr><td>{{key}}</td><td>{{value}}</td></tr>{{/tags}}</tbody></table></div>{{/hasTags}}
        {{^hasTags}}<p>No tags.</p>{{/hasTags}}
        </section>

        <section aria-labelledby="h-hygiene">
        <h2 id="h-hygiene">Hygiene findings</h2>
        {{#hygiene}}
        {{#problem}}<p class="note" id="hygiene-problem"><strong class="code">{{code}}</strong> {{message}}</p>{{/problem}}
        {{#summary}}<p id="hygiene-summary">{{.}}</p>{{/summary}}
        {{#inspectHref}}<p><a href="{{.}}" id="inspect-link">Read its volumes for findings now</a></p>{{/inspectHref}}
        {{#hasFindings}}<div class="scroll"><table id="findings-table"><caption>What the image's volumes hold that an image should not</caption>
        <thead><tr><th scope="col">Severity</th><th scope="col">Finding</th><th scope="col">Where</th><th scope="col">Detail</th></tr></thead>
        <tbody>{{#findings}}<tr><td><span class="severity severity-{{severity}}">{{severity}}</span></td><td>{{kind}}</td><td class="mono">{{location}}</td><td>{{detail}}</td></tr>{{/findings}}</tbody>
        </table></div>{{/hasFindings}}
        {{/hygiene}}
        </section>

        <section aria-labelledby="h-actions">
        <h2 id="h-actions">Actions</h2>
        <div class="grid">
        {{#canLaunch}}
        <form method="post" action="/console/images/{{id}}/launch" class="card form" id="launch-form">
        <h3>Launch an instance</h3>
        <input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="region" value="{{region}}">
        <div class="field"><label for="launch-type">Instance type</label>
        <select id="launch-type" name="instanceType">{{#instanceTypes}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/instanceTypes}}</select></div>
        <button type="submit" class="primary" id="launch-submit">Launch</button>
        </form>
        <form method="post" action="/console/images/{{id}}/copy" class="card form" id="copy-form">
        <h3>Copy to a region</h3>
        <input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="region" value="{{region}}">
        <div class="field"><label for="copy-region">Destination region</label>
        <select id="copy-region" name="destination">{{#copyRegions}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/copyRegions}}</select></div>
        <div class="field"><label for="copy-name">Name of the copy</label><input id="copy-name" name="name" value="{{name}}" required></div>
        <div class="field"><label for="copy-description">Description</label><input id="copy-description" name="description"></div>
        <div class="field check"><input type="checkbox" id="copy-encrypted" name="encrypted" value="on"><label for="copy-encrypted">Encrypt the copy's snapshots</label></div>
        <div class="field"><label for="copy-kms">KMS key (id, ARN or alias; empty for the default key)</label><input id="copy-kms" name="kmsKeyId"></div>
        <button type="submit" class="primary" id="copy-submit">Copy image</button>
        </form>
        {{/canLaunch}}
        {{#isOwner}}
        <form method="post" action="/console/images/{{id}}/deprecate" class="card form" id="deprecate-form">
        <h3>Deprecation</h3>
        <input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="region" value="{{region}}">
        <div class="field"><label for="deprecate-at">Deprecate at (UTC)</label><input id="deprecate-at" name="at" type="datetime-local"></div>
        <div class="buttons"><button type="submit" name="op" value="set" id="deprecate-submit">Set deprecation</button>
        <button type="submit" name="op" value="cancel" id="deprecate-cancel">Cancel deprecation</button></div>
        </form>
        <form method="post" action="/console/images/{{id}}/state" class="card form" id="state-form">
        <h3>Availability and protection</h3>
        <input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="region" value="{{region}}">
        <div class="buttons">{{#disabled}}<button type="submit" name="op" value="enable" id="enable-submit">Enable image</button>{{/disabled}}
        {{^disabled}}<button type="submit" name="op" value="disable" id="disable-submit">Disable image</button>{{/disabled}}</div>
        <div class="field check"><input type="checkbox" id="protect-cooldown" name="cooldown" value="on"><label for="protect-cooldown">With a 24-hour cooldown</label></div>
        <div class="buttons"><button type="submit" name="op" value="protect" id="protect-submit">Turn deregistration protection on</button>
        <button type="submit" name="op" value="unprotect" id="unprotect-submit">Turn it off</button></div>
        </form>
        <form method="post" action="/console/images/{{id}}/deregister" class="card form danger-zone" id="deregister-form">
        <h3>Deregister</h3>
        <input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="region" value="{{region}}">
        <div class="field check"><input type="checkbox" id="deregister-snapshots" name="deleteSnapshots" value="on">
        <label for="deregister-snapshots">Also delete its snapshots (those no other image uses)</label></div>
        <button type="submit" class="danger" id="deregister-submit">Deregister image</button>
        </form>
        {{/isOwner}}
        </div>
        </section>
        {{/page}}
        """#
}
