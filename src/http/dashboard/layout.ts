import { html, type Html } from './html.ts';

/** The frame of every dashboard page. `live` is the part the page script refreshes in place. */

export interface Problem {
  message: string;
  code: string;
}

export const problemNotice = (problem: Problem | undefined) =>
  problem ? html`<p class="problem" role="alert" data-code="${problem.code}">${problem.message}</p>` : html``;

export function layout(options: { title: string; signedIn: boolean; body: Html }): Html {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${options.title} · dsrflow</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/dashboard/assets/dashboard.css">
<script src="/dashboard/assets/dashboard.js" defer></script>
</head>
<body>
<header class="top">
<a class="brand" href="/dashboard">dsrflow</a>
${options.signedIn ? html`<nav aria-label="Dashboard"><a href="/dashboard">Privacy requests</a></nav>
<form method="post" action="/dashboard/sign-out"><button type="submit" class="link">Sign out</button></form>` : ''}
</header>
<main>
${options.body}
</main>
</body>
</html>
`;
}

/** A page for a refused request: what was wrong, and the way back to the list. */
export function errorPage(title: string, problem: Problem): Html {
  return layout({
    title,
    signedIn: true,
    body: html`<h1>${title}</h1>
${problemNotice(problem)}
<p><a href="/dashboard">Back to the privacy requests</a></p>`,
  });
}
