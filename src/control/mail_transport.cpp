// SmtpTransport: one libcurl easy handle per message (mail is rare; no connection reuse needed).
#include "control/mail_transport.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <mutex>

namespace candela::control {
namespace {

void init_curl_once() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct Upload {
  const std::string& data;
  std::size_t offset = 0;
};

std::size_t read_message(char* buffer, std::size_t size, std::size_t count, void* user) {
  auto* upload = static_cast<Upload*>(user);
  const std::size_t room = size * count;
  const std::size_t left = upload->data.size() - upload->offset;
  const std::size_t n = std::min(room, left);
  std::memcpy(buffer, upload->data.data() + upload->offset, n);
  upload->offset += n;
  return n;
}

struct CurlDeleter {
  void operator()(CURL* handle) const { curl_easy_cleanup(handle); }
};
struct SlistDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};

}  // namespace

SmtpTransport::SmtpTransport(std::string url, std::chrono::seconds timeout)
    : url_(std::move(url)), timeout_(timeout) {
  init_curl_once();
}

MailSendOutcome SmtpTransport::send(const std::string& from, const std::string& to,
                                    const std::string& message) {
  std::unique_ptr<CURL, CurlDeleter> curl(curl_easy_init());
  if (!curl) return {false, false, "libcurl could not create a handle"};
  const std::string mail_from = "<" + from + ">";
  std::unique_ptr<curl_slist, SlistDeleter> recipients(
      curl_slist_append(nullptr, ("<" + to + ">").c_str()));
  Upload upload{message};
  char error_text[CURL_ERROR_SIZE] = {0};
  CURL* h = curl.get();
  curl_easy_setopt(h, CURLOPT_URL, url_.c_str());
  curl_easy_setopt(h, CURLOPT_MAIL_FROM, mail_from.c_str());
  curl_easy_setopt(h, CURLOPT_MAIL_RCPT, recipients.get());
  curl_easy_setopt(h, CURLOPT_READFUNCTION, read_message);
  curl_easy_setopt(h, CURLOPT_READDATA, &upload);
  curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(message.size()));
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, error_text);
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);  // the portal is multi-threaded
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT,
                   static_cast<long>(std::min<long long>(timeout_.count(), 10)));
  curl_easy_setopt(h, CURLOPT_TIMEOUT, static_cast<long>(timeout_.count()));
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
  const CURLcode code = curl_easy_perform(h);
  if (code == CURLE_OK) return {true, false, ""};
  long reply = 0;
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &reply);
  std::string error = error_text[0] != '\0' ? error_text : curl_easy_strerror(code);
  if (reply > 0) error = "SMTP " + std::to_string(reply) + ": " + error;
  return {false, reply >= 500 && reply < 600, error};
}

}  // namespace candela::control
