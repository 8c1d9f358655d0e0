// Teams message text as the person typed it. Teams sends `text` derived from the message's HTML: in
// textFormat "plain" with its <at> mention tags and leftover entities such as &nbsp;, a typed "<" as it
// is; in "html"/"xml" as markup, where a typed "<" is always "&lt;". Nothing here knows about mentions
// of the bot: inbound.ts removes those first.

const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

function codePoint(value: number): string | undefined {
  const valid = Number.isInteger(value) && value > 0 && value <= 0x10ffff && !(value >= 0xd800 && value <= 0xdfff);
  return valid ? String.fromCodePoint(value) : undefined;
}

/** HTML entities, named (the ones Teams uses) and numeric, decoded in one pass: "&amp;lt;" is "&lt;". */
export function decodeHtmlEntities(text: string): string {
  return text.replace(/&(#[xX][0-9a-fA-F]{1,6}|#\d{1,7}|[a-zA-Z]+);/gu, (entity, body: string) => {
    if (body.startsWith('#')) {
      const hex = body[1] === 'x' || body[1] === 'X';
      return codePoint(Number.parseInt(body.slice(hex ? 2 : 1), hex ? 16 : 10)) ?? entity;
    }
    return NAMED[body.toLowerCase()] ?? entity;
  });
}

function attribute(tag: string, name: string): string | undefined {
  const match = new RegExp(`\\s${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)'|([^\\s>]+))`, 'iu').exec(tag);
  const value = match?.[1] ?? match?.[2] ?? match?.[3];
  return value === undefined ? undefined : decodeHtmlEntities(value);
}

/** A link as read: its words, with the address when the words are something else. */
function readableLink(label: string, href: string | undefined): string {
  const words = label.trim();
  if (!href) return words;
  if (!words) return href;
  const bare = href.replace(/^(?:https?:\/\/|mailto:|tel:)/iu, '');
  return words === href || words === bare || words === bare.replace(/\/$/u, '') ? words : `${words} (${href})`;
}

const BLOCKS = new Set(['p', 'div', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'tr', 'blockquote', 'pre', 'ul', 'ol', 'li']);

/** Markup Teams puts in html/xml text, as plain text: paragraphs and breaks as lines, links and emoji as read. */
export function htmlToText(html: string): string {
  let out = '';
  let link: { href: string | undefined; label: string } | undefined;
  const emit = (text: string) => {
    if (link) link.label += text;
    else out += text;
  };
  const breakLine = () => {
    if (link) return;
    out = out.replace(/ +$/u, '');
    if (out !== '' && !out.endsWith('\n')) out += '\n';
  };
  // Whitespace in HTML source is one space; lines come from the tags.
  for (const [token] of html.replace(/\s+/gu, ' ').matchAll(/<[^>]*>|[^<]+|</gu)) {
    const tag = /^<(\/?)\s*([a-zA-Z][\w-]*)/u.exec(token);
    if (!tag) {
      const words = decodeHtmlEntities(token);
      // A line starts with its words, not with the source's whitespace between tags.
      emit(!link && (out === '' || out.endsWith('\n')) ? words.trimStart() : words);
      continue;
    }
    const closing = tag[1] === '/';
    const name = tag[2]!.toLowerCase();
    if (name === 'a') {
      if (!closing) link = { href: attribute(token, 'href'), label: '' };
      else if (link) {
        const { href, label } = link;
        link = undefined;
        emit(readableLink(label, href));
      }
    } else if (name === 'br') emit('\n');
    // Teams writes emoji as <emoji alt="🚀" ...> (older clients: <img alt="🚀" itemtype=".../Emoji">).
    else if ((name === 'emoji' || name === 'img') && !closing) emit(attribute(token, 'alt') ?? '');
    else if (BLOCKS.has(name)) {
      breakLine();
      if (name === 'li' && !closing) out += '• ';
    }
    // Any other tag (<span ...>, <at>, <strong>...) keeps only its words.
  }
  if (link) out += readableLink(link.label, link.href);
  return out;
}

/** Plain text with Teams' <at>Name</at> tags as names and its entities decoded; a typed "<" stays. */
export function plainText(text: string): string {
  return decodeHtmlEntities(text.replace(/<at\b[^>]*>(.*?)<\/at\s*>/giu, '$1'));
}
