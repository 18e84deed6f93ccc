import MarkdownIt from 'markdown-it';

/*
 * An article's body is Markdown (reference/knowledge/FORMAT.md): paragraphs, headings, lists,
 * bold and links. HTML in it is shown as text, never as markup (html: false), and a link may only
 * go to http(s) or mailto/tel: what an officer types cannot become a script on the public site.
 */
const markdown = new MarkdownIt({ html: false, linkify: false, typographer: false });
markdown.validateLink = (url: string) => /^(https?:\/\/|mailto:|tel:)/i.test(url.trim());
// The page's own title is the one h1: a "# " in the body becomes an h2.
markdown.core.ruler.push('no_second_h1', (state) => {
  for (const token of state.tokens) {
    if ((token.type === 'heading_open' || token.type === 'heading_close') && token.tag === 'h1')
      token.tag = 'h2';
  }
});

/** The body as safe HTML for the portal and the console. */
export function renderArticleBody(body: string): string {
  return markdown.render(body);
}

/** The body as plain text: for a response to a citizen, which is text on every channel. */
export function articlePlainText(body: string): string {
  return body
    .replace(/\[([^\]]+)\]\(([^)]+)\)/g, '$1 ($2)')
    .replace(/^#{1,6}\s*/gm, '')
    .replace(/\*\*([^*]+)\*\*/g, '$1')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
