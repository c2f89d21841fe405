#pragma once
// Pinyin of personal names through ICU's "Han-Latin/Names" transliterator,
// which reads surnames the way names are read (曾 -> zeng, 单 -> shan).
// Thread-safety: any thread; one cache of syllables per process
// (pinyin.cpp), whose transliterators are built on first use.

#include <string>
#include <string_view>
#include <vector>

namespace yz {

// One entry per character of the name after removing spaces and the
// separator dots of transliterated names (·•・‧): the toneless lowercase
// pinyin of a Han character, or the lowercase character itself.
// "曾小明" -> {"zeng", "xiao", "ming"}.
std::vector<std::string> name_syllables(std::string_view name);

// Every reading of the name to index: name_syllables() first, then variants
// where a character of transliterated Tibetan and Uyghur names is commonly
// read otherwise than ICU reads it (阿不都 abudu, not abudou; 阿卜杜拉
// abudula; 单增 danzeng). At most four.
std::vector<std::vector<std::string>> name_readings(std::string_view name);

// The same for a term that is not a person's name (a diagnosis, a medicine):
// every character read as ordinary text, none as a surname ("单纯疱疹" ->
// {"dan", "chun", "pao", "zhen"}).
std::vector<std::string> text_syllables(std::string_view text);
// Every reading of a term to index: text_syllables() first, then variants
// where a character is read in medical words otherwise than ICU reads it
// alone (地 di, not de: 氨氯地平 anludiping; 咳 ke; 膀 pang). At most four.
std::vector<std::vector<std::string>> text_readings(std::string_view text);

// Builds the transliterators now (ICU takes ~90 ms each) rather than on the
// first name: a server calls it as it starts serving (install_routes), so
// that the first batch after a start does not wait for them.
void warm_pinyin();

// The name with spaces and separator dots removed, as UTF-8 code points.
std::vector<std::string> name_chars(std::string_view name);

}  // namespace yz
