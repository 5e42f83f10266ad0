package io.github.kimisdk.token;

import java.util.Base64;

/**
 * Signatures of the lower-case words that are one token in Kimi's vocabulary, for {@link
 * TokenEstimator}: a run of four or more lower-case ASCII letters whose signature (first two and
 * last two letters, length capped at 20, hashed to 16 bits) is not in this 8 KB bitmap is certainly
 * not a single token. Derived from {@code tiktoken.model} by {@code word_table.py} in {@code
 * benchmarks/estimator-calibration}.
 */
final class KnownWords {
  private KnownWords() {}

  private static final int BITS = 16;

  private static final long[] TABLE = table();

  private static long[] table() {
    byte[] bytes =
        Base64.getDecoder()
            .decode(
                "FwiIRaJSQwA3QQEURcobAgxocVqckAiICEbAmmNBAsRT7CgCGFGgAoIJIULovJAXfgRqNzCbBKRDJZEQFA0vjMM4"
                    + "EtsQ4FBkNIZMQhULCAFpIBGyMZOEAEBOFUHWAAEADQIoBIMD4MJFAaohgVTagkQAAgKAAQlwrcjIggVnSAYhwUZS"
                    + "CgUADQCEKWigqpUOILiWkMHGANMgQ9AkVBA4yKBABVwUCGNDmYGFGjAASFcJUNhKoSEFVANQCwFhoS5ySFCmCgho"
                    + "wZMAgdKcLKrbCCIQkWFiwAnFAoGLwNlsACyApNMIkAcFRgATWUDMAZDUQAP08VyG9TIDQyEhowUAUg9SBlMcEABA"
                    + "ENanSN5KoYwjFSJGAimIoEBAfMSgqQYAGMwiIJmAPzEYDCSBApLEkIJIgiB2SJRrNUIUEIfC5BQMKBIDMMjMEZSF"
                    + "QQohKxGEwEoiD42QMLDCAghkIITCEC5kpGYgAACHgKQRBCJKeKVAp4QTHUgWCoEEgeAoAbgHgqMJKUFoUhBwyjAq"
                    + "CXdalMCA6ODmAiYBWAHDQEjAGWCQEomQCkDimSIg4JsyiKarFixnmQ2g3MoCSKIEmQiCi0AhEaEAAhENDG1IAwAL"
                    + "QIAhR0JGSw2lbATItC1BwcEQJWpDCkwhoBR6ACBmS1hQEEQHIUcURIQLxA8CMiRBgEEQWgsm1eJuokABCAIDEBEl"
                    + "AthoiMSik4AIQ5JkleEFSMnLYAaAwkEQtQWABFTEBAUxglQACAbgAUFjllAgDMYRXIJQlBDFsmBgAIFAKdgsAgCI"
                    + "CQSCpBJiCBNxBmC0CS5gApkDLSgCBBxQgLGAhwBEHlqAa61RJyXlVovIOpRwESBkpDUhAOJCgojlSjpfBA0I0DIz"
                    + "ChTDMbwIBghjmQSUWSQKYAmFgiQKQDqxoCAHFnrkIIGDACDiCBCiJh5KBcPwF9YVFAqEGIQQVDJTkAUAsAlVISY5"
                    + "IInEUgEQPQODAGFtrC4hhEhFCwwEpMiBAPHGqBACCUSlCLsACQFKBQCQnILQYjIEJgUfGYBAFQEJiAOp+pXEpFjc"
                    + "IpwQkMgAQEKiBTgHAsgCXE/QzInAwAHAsk4EeCIIIwIAECEDHUESBJTiooMG4mQuAiCKJoMQKS0JGAQIwUPAsSJE"
                    + "BIyb6nZsIytEAMsYolXAETkZUREhAERApUORGkpRSW4zFI4WCTRAFAIcmFyBgLUhRANIK8AFgMgQAgj3BCAYCtgk"
                    + "PYWQjSAIIBRNBoIAZCoGNBABlA8FCYFmBFABTAVkwFgFJS8TJUoNALAEvQKQRE6sDhAAGEBHSQg8YpIQkKGOliRk"
                    + "BBCq3CIAAipegKCgiVsAQJ0ohwlggELARBEAwmgD0Y+EIRBSBSVFBAAoKQag+1lFcJAgAA1A0solbJZA+MghIYiA"
                    + "AJARC0CtIawABBMxBKQlIgakAQTKRAKCQiEAhJmQACphQAQxEtBMygEMICIRI+GdCkTkaCiHNAci2ghCBgjhQnBQ"
                    + "BzAwEAmKaoBFAPBQQHmtrCQQQEBKOZggAHhEDACPYIVBzBAEHAWIP6HAXmFDAt5h4CQjVhRIRIggFEjAARByALYU"
                    + "KkIRGgWQPwaGIRCANVLSxggJQDAR3EhJAGYCMUAgFKEk0MAkK4WU7YgyGEAihnQIZtxABhk8BtUoUb5OBElYDIlJ"
                    + "QSEAEhCVhAimAgAc1QAABEJ1NAJIgFDR4GpE1IUAmMAMBDiTYWxLQCAyBoCaR4JhCYBgWmRsqSEEEoUIICcFKw4W"
                    + "W+UIuAXEWBgUAMCmLglpAIERJgBemAANRQSlQkAQJzCg6SxADxNQmEmCoAIPBubKAA6lAKaRScEADQwFAAFYiiQ4"
                    + "ZAMQsZEAg8EC0QCVSLHCoT9AgMAaV4BMJ4kCoyXgFFFYFklYAMnQQSgGBAxABwAAEQIEcSpJeiQEiAjDSOcYEloI"
                    + "hXAWdKCQCgDId4kEQgKAileAHAQyIhsAAgJFHeI1CMLwQVAqhoeFIiEhAGkFACNJAAGA/oFAIsEGFEBCSWqXiMBA"
                    + "wCzNwJoYpRACAsIl2TIazTAFASJqAqhgiQym8CjgAiAyjQREEgCipBTpiYgdKMeBYGJRhQkUQNBYYQ8HrCAEFFsE"
                    + "sA1IQHxDGgOxgA1SSqABx0zJIGmIcIAXQaISYZChQEFAEQSMcIQmHMgSCiFSUkMJIAMGGMMFwi0ZBDJIJCEEDFVo"
                    + "CxQIIBxSBIo7bwWAJTYBwgCooFgmQgkHcRAFQAELmGCrEMEAiSAsM0EAEohoIQggAgEBoGQIkOoUILAEUEkPsxKU"
                    + "AYjaAFEJA6JEGEIQoQUFQgxLNA4D0JAQdIGAABHKAkN3BYeBHBAjDlqAGIDhIAEWjIgNAcTNMDqkUCiheTQCNUsh"
                    + "cRUKoYQ0OayYIISiakBwCBaEACEU9ARghkAAHCwBrAadKuhJsqQCWD4GHAZTAMwBgSANA0BIAWisoRAQxIYsZJZi"
                    + "wwBIMIQiQRIoDANEuBAySkqdwUELlgUpQKaWh6RJAADVRACnABDAMFQAJhsAjAcABjZhARHQkHAKFCApFcR9Ewlv"
                    + "DWAURxkroCAivpI4KgytpRADEIWBpESCyQZoKJqIFggin1UxFc6ZAUSpAyIUAAIGAXoBYltCAAEZcIQFhYVcEEQS"
                    + "wmkAIBECgbyGBSNADyiHQn9AoBAgxRCQiVcIAkriGEBAggCQcOwzAEjCITCvoABYCIUEnZkEVhVgqoAEQYCSQdDA"
                    + "DCgMAIFAotxSDDjJFgLFAgwBIoQRZ8RMBsTFELSQaAIKZ18gUiOWUYgEaYoqCBlEwCigCkMABKQMoUoBPAwxAQJi"
                    + "QYAOkFGiQHkAokAFFQkFOouEABTJyRrApVkcSYADLQJMIDEwkCEwWAZMdREDhkYJGowIIEKQFSWxI2SASGKxNANz"
                    + "witAkCAsWBgJAzIpg+FUIA6EAhtyMFtDICIQgAIqAMkMFyYIIxAqAPVCBRIH60iwQCe1SAAT4MghSGAgUVBBSGXA"
                    + "0ecSSUg0Q4AwWswqIKgSgGTCCsAAiM7QCCJzHAcBNEuMyNERKGgoFnEdxCtQUUiBFgJGbspSL4VkicTTgggOAAeR"
                    + "WEQY0xPIgROAkCJSQRg5KAhhAscoBmOBDARU6CEQsgYlAXssNoAHkgSgAYgaAEoYAUqBYQGOQQHBQYjRmhAQbDWE"
                    + "w/JMQR8BgNBAwAgMaRUwiQkCAMAY2pICm4EkM+KCyMDqFcAwEghyIQy0lxrITIUAkiopCAHPgAMYIUGmRBNUAgNR"
                    + "AAcEJBR1ECAfBRADcxAqiABIGiMVRACQg8JCYSSAkZBJCUGMQCSkUwdcRJqElAsASUkDyGcAU5SUycGOgCqkJQBQ"
                    + "I8jEQ0TGDGJIaIGARiRSABioALSEUg0OpRIBDVYDIlBDEIWjRIYlYJZYaDymYCgEARMKLAmWgoMgUQqM5M0FQiho"
                    + "USzCUTDEZBcEggWiwQaCBjAoAkMkLGMkVhAYhaxAmgBowZUCkSBAUCE6qCo+wQ7EPZEaiMEQAgD1CMgSqaCC0KQB"
                    + "igocHRh0UjDKODiAsRIBI5tBAQgiqG4lhaMYAF0qMCJTEpDItwMEVkIb1QSKOAIeMMOREhXkACNXBDCRkkhNSfQE"
                    + "QSQoA0MAA4SyIYWQJBErGiUkS3gQhQpAUIMEoNCGwoJYKoIBjMri1BADCMTdKRGcASgURRZIhACBSCsBCPVAADeS"
                    + "kpYgjg3QQQwUsiIEgLCsEiBzAcVTRQhlWowmAULAZEk0qKiBsJNADCAgAKWE0EBpaEUApBwIF04AKgIciwH0tATC"
                    + "lClpISQV4ALgAiEhicgSQCUQUJALUKAAAYbMQOeYWDSktgChioRR4UIAAuQgqgEMEgwQKawVMIJKuQmJA0xPI2Gw"
                    + "MgIWqBAchQKgnEI1QD2LcAJIAgAFrA0MgwtBMQAAwApBSAIBFIxLVxGxYXAZOQFbpeoIE3oKAgwIAkABIzQkKslK"
                    + "Q2KxEAQYCsGEAAgIwihMbmBENRqwioFFAYLgUEAMADwHQB4DAFQBSK1CVKQFi7DgZEWIYCYYhAAKJUZEcoZACEsK"
                    + "IoSJovoUkJAORDIEIhAEhAAgiWQCpAgZhAxGpRoBIoicMnZQkksgiQkCCGowKDAJoE9xYAHCQRKcAiQPAQBkkEAA"
                    + "qKAh0hBRiCQDE8QgQxUAjmggMSchx4ghCFIi102KhsIpIVAqAQKWwJTq5EKgsQMZyBIqQVJwYWEUlcAEAEkREOcG"
                    + "jglLQxCASRMLF0F5uiAUYKuUJPQhABIESAUAEVYHQKFgqIFMIjIToAOSAOEyqYOQiENEI4EmkAQQEhVaBthAUdtU"
                    + "ABFEQiZBEQERigJKRIQyDJQQAQfjUIHAA0IAdTKAACAmubkI4AASKig8kIDKwSZgGAQNmDtAEPAFV1qvGlEooAAA"
                    + "YmIChEIRBPkICSBWxRqlM4igCEhw2RQDDBBICQOAI5PISAsrBfCCMMCCQCGFBsIBFG+jamCCAGYBOISErEAqz4SK"
                    + "BBgQEAQ6g4yMGCsANAGkdEsMSIbSHJZZAHNBBuwkeICbMImVLkIoQgCQEBiCboHTsRQQLEARJJJBASsIySgKpQqJ"
                    + "BiJkolDMoliAABZYIEBEgBJUyChEJFQkUAgRAwRyA5KHRMkMRoIQICfBDASGSkJKQSAc1J7ABWTIwBYArcYAxGIQ"
                    + "ARgoEBgnkgUIoIhmAgJQAgEpokQForMkmgBMDGssBQRRaABBEuiQlkYLiIgAAQUWIZgpCYGankUxA1IWRRSeAEEF"
                    + "gQHABCEUqAAFltgBAGAiC0kGHcQGGGsCIiWLEICEogpKBqmIgsTUpLGrgSwACCaIhAce0gaJQCREQFLKZExdDuY8"
                    + "wcEJ1CdQNUJKFhDaaCC3JqBCIJARCyYTMCQAUV4FEgCRF0GFSsRAkmALQJDYgSrAHwmgiSsDS2UFIyqKBElIiAFk"
                    + "RgBItCAAEIEROCVxxBrFKIsIJBGABeFIAogINj0ORzRiBBFSCEDAkKkUQEYBqIgMwBjcyCABZgAUCqouW8AMUaiA"
                    + "kVGJEMgOAAAFBCdLgokkokVkBxhMHUgsEl2gTNKakIeABgGAi02EUQQKnoCAAA2iwKaz4AAbSNyoVEQOKisAEYil"
                    + "CGKiKoICpCgjAJAIEgQApAelGpFQMQqABwRUWgNKRAQlJogU2YSMRERRNAENITUASEAjADOCkhEZAJSgIjCCEgIx"
                    + "gSBCXx3DIAAAokJogRCAQQLCcYCBpFWMCKg8AYOoKMAgGNXDKFwLAmoFAYgBSQiRgAIEHClMuE6AdF1DWEhDhMVT"
                    + "tRA0gQJQTQhoAEgT2MAAYcQFlDEJsKeAQgAEAilx2kQAS0oEkIKBxVFgiupmhgGKgkEgbhCSChChiMluURmwCBQE"
                    + "kEIIl3AF6HkABIIuDIAJqB6AhCCyyiAALkAlgQnJaYGNwwISMmohIUBmUWIQJAoGC1AqJZ6BmDhA8OEiFOwOhMAC"
                    + "sDoyFlQIwVB9VtYYNgGxkAAgIUIZACAcAFgNJtCzKIKKBkQExIAiMRGgDNMZAwlhoIWgQSAiCMGlAUNQWCYggAGU"
                    + "AGCEOXAGQwthJqiEUogElgzBJPJkMB9AMBABAB1BDgCQJkhDBZIhU5LAREVsBQEVCgEAiRTGnAiBWIDwGhZyFggW"
                    + "kVcKAGRHgIecEhRosyARVgy4VEAVoSj5SxBADVAYnBrRpYGEClJZBgCx0M00QCIJKZCUwHIIICKX0IBkSmRiBBEU"
                    + "CKBAiMKUkMAAiLiixSRLCQqFRBojIQwrBqBWR4AhlgYeAT93dVQUCmxU0UEIwRQoOlUdw5AGeOIpoCEKRsERYzkF"
                    + "CgFDyECF4gQZO4EoARFASqqgAGTAOEIwqLtlEA0nQoQoAcJ0KoBoiQM6BghAZKBkkICBIqSNQII1MdmlBACgZYZJ"
                    + "ABL0CAQqHAAhAIBEREphCGIAGNYhbAACUyEV8yQQ+BA6GIl1STEXSBqqGYsDDBhqkQQEChGvgkEE0lDgQWkFjnIY"
                    + "kEKkh0YEZkzOHKTRIEQgEEqRNQRJggHpBQ2CyAUhiSACxgMHSi+M4TKDUEDkAMTECi1KAMowQgArCUKCippQPKIu"
                    + "IFE6qrbQJAslEkpG2hAAUFcYAEGVEKZaIPADgIEfMIKAAzGSzZCAHhGATAQAWcSiMRAAIIMISOXIQVJxgYDgkECE"
                    + "SKQoFA5ZIUbgEBOC2RVFIIWmNAgAQBSCwZI8FBGgOlCgDAAzBBJsDEEPBTAEBA5AAkDQEQkGQOsgICUyiACIMFAx"
                    + "wIASsKjFAyRCQUTiGQweMCApk0gCSACCAkgghJLBnWqhIGQIkioo0rRa4guNNAIgMWWnABEGdZRI0MREgQOQwABo"
                    + "CoBBFhp+IGyX6BIEgKsAin9ZIyAKLAEnDCLAHRANAhRAKQgggFGMKFLoBdEBJUIixNEoApKZpIAVFISSQwehFAZM"
                    + "ZIEHJ5UISQuAhgGjjsAKKWCEzZAI8wgOQYUAQViIhUYqEEUlSAAYpApSJkRAjQjEpyli6jOKgEgCBQSqjMBAFAiF"
                    + "jDdsAI0LRUTsBAkFgrARSyII5zABEJBAQKUBVoJQyEkBOCc3EXhPEMonkACChWK04AgIT4AzGSJESASiQhQ7gFRE"
                    + "RCizpAyokE0hIMMSIlgEQIDUIgs8UgQkphhAwzEAEgLAgAuAiUaGEFBDBkWfwCJRIoclBkxCOAC5WQAoQABgoQSA"
                    + "EMgAookhNAGIDCwMCrXAMAJg9KAQQBJDDAEsEoRCwQEAyAAUORQUBpCICVIAIIEAwVjmSchgqFARi4pNiklSUg54"
                    + "YBx4AACsDaiEQioaQoEkoYSY48AiIjUFIuAkwM1nRMEABMIFVEBLIghKhBaEBEIHigTUUydD5IFJEB1CA2ApcJEQ"
                    + "WUmhIKaYSRliACglAnA7gWWg8MgASrIgGQ1BOkgBAIQREJhpKCjJogAAAiAFYyLyTgGMBEVM8ChhAQCAFDogYJUx"
                    + "odKIVAIcSQAJzLNAVXaDJoRKCMyxMARYOahbiLIEmSBjKYEAyBQCuaMsCJkYgHKIkcBCa8MgFOkBAhINUAYgQE0A"
                    + "2J2KqBJFDUUEBxKJAAItAAtESNIATSiwowhKlABMFwS6OR3IKAElC2mOQAwQAEZCIg8UCVQwEAwqAjETCeICgBRy"
                    + "goAQIRAEBCHgQKAoDRhSVoFwkECCFzKRDHsBMEASAISkYgNCDRkgMiiwaxDCGAGhCnpFiWSgdBgJKgwA2mmCQAqs"
                    + "gC1BhlJkQCDH8gDgkAxCVwJ2C0ui4pQMVkKEIUUBVDJqMFaIEfVNQQiUEBJiJyECDKCQECBAYGAJlAKGAcCAZMAI"
                    + "FAEACAIEeDAoAyGFKwMqFQG7kpdUCnI8jsAlWp1LVIEqEAzEhESTGBDN+VYAwIDoSUABBRFAVMIiTAySLdBwSVBn"
                    + "gUlEMQzgCkYhACooGvSSIskYwgoijAy0EgAaoBGCKSEMBCClGkBQK6ACBkA5CzQSBBxgBNQOiGSEEgoJEAMkSHBA"
                    + "KUChiwpZDEGxFgKAAD8ApCA4grGliaUDQ1BaAAAFwG1CSEiQICRRGkBgKiQFBAgYThGCAx4AA+GsIlREtAMBi4FA"
                    + "MFSCCSlUwdFwAyuFRABMExs9RMKQUGFMQCCg0FCDSINwYgpBQRAHACISHWhpJZHEOENQACCijNRQFjAghigQCOBA"
                    + "MGsCUEEigA0EJFQIA4UUBAgICMIgJFnBc2ACHAEABQkJRABCk8yCAo0ZIjFjBggNALU0hCpCQYCgwA9wNAmg7pYQ"
                    + "AihQqYAAWCEoKxQxFBCIS6AIBLIFYcFJGkGUQCKTLAcBAtgCM4kRDihTLEhFEQoCujpQpIxogkIF2ahgIqALjMCV"
                    + "QEImCiiJMIIFCEiiRIAbACAAlDWi+EogYCYgENSAJCi0ERhU4BPrkSaMJ0ihEgIa9hl6MpUENYKKRkXIQqAglkuL"
                    + "DKJtIACYgJRIPgQYaCgDVIgUDlACEMYqlcZAIthJBmgHooyCIRBIDEplgYAHprSSFQgEEdYAGYg1oyBXJwAoVWFE"
                    + "1INEAAQAmsEbFixxQZAKEKk0hOUSBmAfY4IEdAwiLCA4BULoIGUpgASS8AQA/MEEHpgkgm0nIi3QAJCMNmrWeIYB"
                    + "HRAhKmBkkCDoYBAITyAxAN2CCJgBBECQSlChrCBVEVAoDkTFwFgSEFSZQqABAAAAiUEKAHpIiYmCMRQ1ACIiAJBR"
                    + "FC5FB4CAChHVlEpFCCFQAAMTMQ5IUyQVsAC1GIIjYiA0iFLRRDIxhFNDgpgGwUkMBgholYAhAkE2ooC4ycVcIigw"
                    + "gg0l0ALRlAIKQEcgAyxEAhAAZejkEHpEG0AAbMFQdqAeEiWECUoFDNUz1FAkhpAABFQEQQikTIEYAwJxIAIgQQyo"
                    + "iICypA1Aa7kyghcAACogIAQKHLhFykEJJOaAIITUQlSEGYgFFQBFU2ASojDQSDpAjYEZQJ1MwSABwqRAQAhIKKgX"
                    + "IDpKA0ATVgJGCQiI4jYgMg0gBCQITCBEKRkDgBcwwGI1CaTIAYQEJADkArEiMN5LEgNQC0SEVCwIiAQYtdLDxEFk"
                    + "ArIIyBrFAAAhFhQxqJQEISRHagLJlJMUgkER4mQSyNYQqUAEAJ1KikaUFJhQFuggkRBUSyCAiAFOooIRWYhVpK5A"
                    + "d6LgBCXCR3qtQJYKmEkICsIkSZSQSCgkE7i4ZRAJHRghpAOII4AAJWoEQgSEgUyAEQ75FhaFCKgEwBACDIpCqCAI"
                    + "B1CSWQBodQAFMmogobQIQDKRQyJhQIgJJKQBhUBKUwHMAikggEIoJYTFwAkRkACH5EQ4YQEg6QCAGgIJrQFQwLQB"
                    + "YApBFpBKhACED1CwUBnABMgAAlhCDIUSTFwJSZgVMVFEQUsUcuBJGwFTgWQCUg2wgiyl9wAAECQCKIAA0gWCAcSK"
                    + "EEUEKJGAEg4oaDCgA6BYgm1MAi4dGAIVCUXeJIlyCQAdiUFBNqtRGmEqQAsVAIALHDVikDIGAtSJBg6GxMJoQKAg"
                    + "KRKCVjAJiSwAAYSCYW8yGBjMAKbw4AAXAwwtgZgCAsgqLIjAVEDBAVoIPYblHJgFJEYGUTCHFKRQAEwBxUGDAwBC"
                    + "AkCtAwj9ADRUIash2gMSMZwIAAYwBygBgSAAwCqEjaZBUI5BMA4wAahoIREu8AygChnAdgQCGklkDANEABABGIBA"
                    + "ENAWBD2aDBBYHABlBacgTUtNLxUFOsQSRogAP9CSAYkDZcaQXktCBB4ABmATGSONQnGEASYVUSKWQEANFDOL0j1F"
                    + "5A0HhBIgjIEICCSKQAZsAIRaiIAEeReGVGCKBGwRFgbBCEgIkCJSoKBAiAyKAC5BSjYgU0WwFDqbhQDoSoqEgJCI"
                    + "mEZjgMChEDuU2IAXALCxEbEMzopyAhIBHhKEeMMAg4ThQVcQVAV8IJixUiIEBhLNzBGbsyixKQQpAhBEkI4CIWAS"
                    + "AoTQaKQAEQIDASYICOjFmgbZRgimcngKGNKgTCGXA0VAwApZlnAdUAfEVJTVUDZHpAyARAMUULKmsKkRCKmIkIAB"
                    + "QSOgJFSCGgpKkrsBgoIqQSX0E4xJIIBgAyqgiATAEVcLJF1jgACEMIUyBO3EISaCUT4NMIDIUAIAkUPMvhOVboCh"
                    + "UMAIIOAgJJQKEkmPhCiZAij9RYXskU0uKOkKwAJBigUzgZgZGmIBaSAW2wAQY2QDIiBBMFWECqhwTJhNBIBAAACF"
                    + "EJEADhJEAhQAoIXDaqIFAiLigimBaCxFCACqQYj10oQM4gCj1AhK8qEpuIaFUgIpMkEZIkxCgGmnIhYIJGtkNCcG"
                    + "UGCBy4RwEwAbgAMBFAhIOCEnsAjAIUFhmDEc4EMVQIADqNG5JbOtFfFSSACgIMFAqggjkQaOGVh4IAgJlCA0HWQ1"
                    + "KoKSAHnDlCAEkDhJJYsJQVS+4QS5GMZAZBoIsoSNCINtGKSZVhBLS0ScCQRISEBtIkSCAYVcBBAgg8YeKHAWZSQI"
                    + "0hQggJEAAOCCZg0AGsnk4GBqLlFQCOsIRikwHwLVNIDMBEsQMIBBSTJAQUwc7AmYFISoEnYQoD0IBQGFCcSIBAiB"
                    + "UkACCACIfIGwq0gAqS5YgiJlMIMOIFQGQJiCBfoogMBEB4BOhADhkIpSEipjKqAB1JoCZiyhIEyQUEEMLDO5EoAB"
                    + "ZIT7AIInCaEEsAACnwCIlkhkQmNEKxWBBCZgQMgEBUIqGE6NAEgTA2g+Ig4EGBEgJQmgVEA1EagCyjBNQQd8LEyC"
                    + "QiNFACWQQABJBSEQSRSUB4HtZbCMMTS4pADhBYgrqUSCoEpABCSIoYMACWopIhMWQeCUwBTSgKnlIscMQggQ2ACN"
                    + "FYIgGgEFkISAARCxokwXUcxRbIABgcbBgKRIQlA8aVEJBADkkAYg4AasxADEqAgAiwNCAkEncK1AghAASCSmmog4"
                    + "B0FQGaAABgmUoIDAhiALAA1UDlpEBosEME0ASaVWWLAJRASEBZQxQFJcrSg0EkASCgCBhVECEhHKsGQAOJaKJCKL"
                    + "kCEijC0YWILazUSghiqU2ABsoQAQAiU44SzuFoIJNiY0AIO+RAMVEC6GJMRvQuQYiUIYFCZAYLQcEAIdBHAAACpo"
                    + "bQUBGEoRQ+W8zFgIAuJ7oCQlAKwiCUKDQFBtYIIDNQCQQAR1hBZESMgIpsEAYPIRhTUUI4QQYTGEg7JAFiUsEgYw"
                    + "QBMDBAyA0hFiBT2gwUKbYY0sgywaACkFE5xEWlsCwcIXlQim4QFDmhSGEhAKoAXVFpkAEAESlG5lVooAochUYiNH"
                    + "cJANQikjAoHomIUILwUAkVKiTAQLO6gzAGihhGIQvEYgFAgGRkAsgECnAkg9UYEqC4U9SAGEveOA8AZVeKcEUAL4"
                    + "MCMgBkfuIEOIIAFTUIRCoiwBmRCMSyGAsDQkkaQaIh+AMCq46GaClAKxBDJwqAAYiiwRipSaCoAQhAIwGkRMaZEo"
                    + "DJgSEhQEJII=");
    long[] bits = new long[bytes.length / 8];
    for (int i = 0; i < bytes.length; i++) {
      bits[i >> 3] |= (bytes[i] & 0xFFL) << ((i & 7) << 3);
    }
    return bits;
  }

  /**
   * 1 if a run of lower-case letters may be one token, 0 if it certainly is not.
   *
   * @param a its first letter
   * @param b its second letter
   * @param y its second-to-last letter
   * @param z its last letter
   * @param length its length, at least 4
   * @return 1 or 0
   */
  static int bit(char a, char b, char y, char z, int length) {
    int h = (a & 31) << 15 | (b & 31) << 10 | (y & 31) << 5 | z & 31;
    int s = ((h << 5 | Math.min(length, 20)) * 0x9E3779B1) >>> (32 - BITS);
    return (int) (TABLE[s >>> 6] >>> s) & 1;
  }
}
