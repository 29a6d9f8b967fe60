import type { AccessPackage } from '../routes/access-package.ts';
import { formatTime, statusText } from './format.ts';
import { html, type Html } from './html.ts';
import { rowsTable } from './rows-table.ts';

/** The access package as a page a data subject can read, print or keep: self-contained, with its styles inline. */
export function accessPackagePage(pkg: AccessPackage): Html {
  const collections = Object.entries(pkg.data);
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Your personal data · ${pkg.privacy_request.id}</title>
<style>
body { font: 16px/1.5 system-ui, sans-serif; margin: 2rem auto; max-width: 60rem; padding: 0 1rem; color: #212529; }
table { border-collapse: collapse; margin: 0 0 1.5rem; } caption { text-align: left; font-weight: 600; padding: .25rem 0; }
th, td { border: 1px solid #adb5bd; padding: .25rem .5rem; text-align: left; vertical-align: top; }
.warning { background: #fff3bf; border: 1px solid #f08c00; padding: .5rem 1rem; }
</style>
</head>
<body>
<h1>Your personal data</h1>
<p>Privacy request <code>${pkg.privacy_request.id}</code>, received ${formatTime(pkg.privacy_request.created_at)}${
    pkg.privacy_request.finished_processing_at ? `, answered ${formatTime(pkg.privacy_request.finished_processing_at)}` : ''
  }. This package was made ${formatTime(pkg.generated_at)}.</p>
${pkg.complete ? '' : html`<p class="warning" role="note">This request is ${statusText(pkg.privacy_request.status)}: the package is not complete yet.</p>`}
${collections.length === 0 ? html`<p>No personal data was found.</p>` : collections.map(([address, rows]) => rowsTable(address, rows))}
</body>
</html>
`;
}
