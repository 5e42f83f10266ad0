package io.github.kimisdk.platform;

import io.github.kimisdk.base.text.RecordText;

/**
 * One result of Kimi Code's web search ({@link io.github.kimisdk.KimiCode#search(String)}).
 *
 * @param title the page title; null when absent
 * @param url the page's address; null when absent
 * @param snippet a short extract; null when absent
 * @param siteName the site's name; null when absent
 * @param date the page's date as the server wrote it; null when absent
 * @param content the page's content, with page crawling only; null otherwise
 */
public record WebSearchResult(
    String title, String url, String snippet, String siteName, String date, String content) {
  /** Returns the members that are set. */
  @Override
  public String toString() {
    return RecordText.of("WebSearchResult")
        .add("title", title)
        .add("url", url)
        .add("siteName", siteName)
        .add("date", date)
        .add("snippet", snippet)
        .add("content", content)
        .toString();
  }
}
