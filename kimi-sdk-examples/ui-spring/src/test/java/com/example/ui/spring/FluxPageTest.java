package com.example.ui.spring;

import org.springframework.boot.test.context.SpringBootTest;

/** The page against WebFlux's controller (a {@code Flux} of the stream's bytes), on Netty. */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = "spring.main.web-application-type=reactive")
class FluxPageTest extends PageOnSpringTest {}
