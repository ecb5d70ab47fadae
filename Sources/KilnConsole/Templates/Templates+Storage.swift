extension Templates {
    static let storage = #"""
        {{#page}}
        <h1>Snapshots and volumes</h1>
        <p class="meta" id="storage-total">Account {{account}}: {{total}} a month in every region; deleting the orphaned snapshots and unattached volumes would save {{savings}}.</p>
        <div class="charts">
        <figure class="card">{{{storageChart}}}<figcaption>Snapshot data billed per region; red is orphaned snapshots.</figcaption></figure>
        <figure class="card">{{{costChart}}}<figcaption>Monthly cost per region: snapshots and volumes.</figcaption></figure>
        </div>
        <section aria-labelledby="h-snapshots">
        <h2 id="h-snapshots">Snapshots in {{region}}</h2>
        {{#hasSnapshots}}
        <div class="scroll"><table id="snapshots-table"><caption>Your snapshots; orphaned ones were made for an image since deregistered</caption>
        <thead><tr><th scope="col">Snapshot</th><th scope="col">State</th><th scope="col">Volume size</th><th scope="col">Data</th><th scope="col">Billed</th>
        <th scope="col">Monthly cost</th><th scope="col">Tier</th><th scope="col">Description</th></tr></thead>
        <tbody>{{#snapshots}}<tr{{#orphaned}} class="orphaned"{{/orphaned}}><td class="mono">{{id}}{{#orphaned}} <span class="badge warn">orphaned</span>{{/orphaned}}</td>
        <td>{{state}}</td><td>{{size}}</td><td>{{stored}}</td><td>{{billed}}</td><td>{{monthly}}</td><td>{{tier}}</td><td>{{description}}</td></tr>{{/snapshots}}</tbody>
        </table></div>
        {{/hasSnapshots}}
        {{^hasSnapshots}}<p class="empty">No snapshots in {{region}}.</p>{{/hasSnapshots}}
        {{#nextHref}}<nav aria-label="Pages" class="pager"><a href="{{.}}" rel="next">Next page</a></nav>{{/nextHref}}
        </section>
        <section aria-labelledby="h-volumes">
        <h2 id="h-volumes">Volumes in {{region}}</h2>
        {{#hasVolumes}}
        <div class="scroll"><table id="volumes-table"><caption>Your volumes</caption>
        <thead><tr><th scope="col">Volume</th><th scope="col">State</th><th scope="col">Size</th><th scope="col">Type</th><th scope="col">Attached to</th>
        <th scope="col">From snapshot</th><th scope="col">Monthly cost</th></tr></thead>
        <tbody>{{#volumes}}<tr><td class="mono">{{id}}{{#unattached}} <span class="badge warn">unattached</span>{{/unattached}}</td><td>{{state}}</td><td>{{size}}</td>
        <td>{{volumeType}}</td><td class="mono">{{attachedTo}}</td><td class="mono">{{snapshot}}</td><td>{{monthly}}</td></tr>{{/volumes}}</tbody>
        </table></div>
        {{/hasVolumes}}
        {{^hasVolumes}}<p class="empty">No volumes in {{region}}.</p>{{/hasVolumes}}
        </section>
        {{/page}}
        """#

    static let autoScaling = #"""
        {{#page}}
        <h1>Auto Scaling groups <span class="sub">in {{region}}</span></h1>
        {{^hasGroups}}<p class="empty">No Auto Scaling groups in {{region}}.</p>{{/hasGroups}}
        {{#groups}}
        <section class="card group" aria-labelledby="group-{{index}}">
        <h2 id="group-{{index}}">{{name}}</h2>
        <p class="meta">Capacity {{desired}} (minimum {{minSize}}, maximum {{maxSize}}) in {{zones}}; launched from {{source}}.</p>
        {{#refreshes}}<div class="refresh"><label for="refresh-{{id}}">Instance refresh {{id}}: {{status}}, {{percent}}% ({{toUpdate}} instances left)</label>
        <progress id="refresh-{{id}}" max="100" value="{{percent}}">{{percent}}%</progress></div>{{/refreshes}}
        <h3>Instances</h3>
        {{#hasMembers}}<div class="scroll"><table><caption class="visually-hidden">Instances of {{name}}</caption>
        <thead><tr><th scope="col">Instance</th><th scope="col">Life cycle</th><th scope="col">Health</th><th scope="col">Image</th><th scope="col">Type</th><th scope="col">Zone</th></tr></thead>
        <tbody>{{#members}}<tr><td><a href="{{href}}" class="mono">{{id}}</a></td><td>{{lifecycle}}</td><td>{{health}}</td><td class="mono">{{imageID}}</td><td>{{instanceType}}</td><td>{{zone}}</td></tr>{{/members}}</tbody>
        </table></div>{{/hasMembers}}
        {{^hasMembers}}<p>No instances.</p>{{/hasMembers}}
        <h3>Activities</h3>
        {{#hasActivities}}<div class="scroll"><table><caption class="visually-hidden">Activities of {{name}}</caption>
        <thead><tr><th scope="col">Started</th><th scope="col">Status</th><th scope="col">What</th><th scope="col">Why</th></tr></thead>
        <tbody>{{#activities}}<tr><td>{{started}}</td><td>{{status}}</td><td>{{what}}</td><td>{{why}}</td></tr>{{/activities}}</tbody>
        </table></div>{{/hasActivities}}
        {{^hasActivities}}<p>No activities.</p>{{/hasActivities}}
        </section>
        {{/groups}}
        {{/page}}
        """#
}
